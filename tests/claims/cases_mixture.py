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


CASES = {"feldman_tau1": {"pass": _feldman(0.101), "fail": _feldman(0.15)}}
