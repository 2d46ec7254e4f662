"""Synthetic cases of the diffusion laboratory's claims (tests/claims/cases.py)."""

import pandas as pd


def _window(within, violations):
    def tables():
        w = pd.DataFrame(
            {
                "d": 30,
                "k": 3,
                "n": [50, 100],
                "window_start": 0.8,
                "window_end": 0.9,
                "predicted": 0.85,
                "within_one_step": [True, within],
                "monotone_violations": [0, violations],
                "sizes": 10,
            }
        )
        return {"diffusion_window": w}

    return tables


def _fbmem(lo):
    def tables():
        f = pd.DataFrame(
            {
                "m": 100,
                "mitigation": "fall",
                "level": 0.95,
                "foreground_fall": 0.1,
                "background_fall": 0.7,
                "background_minus_foreground_fall": 0.6,
                "background_minus_foreground_fall_lo": lo,
                "background_minus_foreground_fall_hi": 0.8,
            },
            index=[0],
        )
        return {"diffusion_fbmem": f}

    return tables


CASES = {
    "diffusion_crossover_predicts_transition": {"pass": _window(True, 0), "fail": _window(False, 0)},
    "diffusion_ratio_monotone": {"pass": _window(True, 0), "fail": _window(True, 1)},
    "diffusion_fbmem_foreground_persists": {"pass": _fbmem(0.4), "fail": _fbmem(-0.1)},
}
