"""Synthetic cases of the mixture study's claims (tests/claims/cases.py)."""

import pandas as pd


def _feldman(predicted):
    def tables():
        f = pd.DataFrame(
            {
                "predicted_excess_error": [predicted, 0.20],
                "simulated_excess_error": [0.10, 0.20],
                "simulated_excess_error_se": [0.01, 0.01],
            }
        )
        return {"mixture_feldman": f}

    return tables


def _tradeoff(below, every_draw=True):
    def tables():
        x = pd.DataFrame(
            {
                "memorization_bits": [3.0, 2.0 - below],
                "lower_bound_bits": [1.0, 2.0],
                "holds_every_draw": [True, every_draw],
            }
        )
        return {"mixture_tradeoff": x}

    return tables


CASES = {
    "feldman_tau1": {"pass": _feldman(0.101), "fail": _feldman(0.15)},
    "mixture_invariant": {"pass": _tradeoff(0.0), "fail": _tradeoff(0.0, every_draw=False)},
}
