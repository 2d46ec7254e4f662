"""Synthetic cases of the memorization-score study's claims (tests/claims/cases.py)."""

import pandas as pd


def _flipped(precisions):
    def tables():
        summary = pd.DataFrame(
            {
                "dataset": "digits_flipped",
                "head": "model",
                "learner": [f"l{i}" for i in range(len(precisions))],
                "flipped": 25,
                "precision_at_flipped": precisions,
                "flipped_fit_in": 1.0,
            }
        )
        return {"memscore_summary": summary}

    return tables


def _removal(lo):
    def tables():
        removal = pd.DataFrame(
            {
                "learner": "l",
                "k": [10, 20],
                "difference": [0.0, 0.02],
                "difference_lo": [-0.01, lo],
                "difference_hi": [0.01, 0.03],
                "level": 0.95,
            }
        )
        return {"memscore_removal": removal}

    return tables


def _frequency(means):
    def tables():
        freq = pd.DataFrame(
            {
                "dataset": "mixture",
                "head": "model",
                "learner": "a",
                "bin": [0, 1, 2],
                "mean_mem": means,
                "mean_mem_se": 0.01,
            }
        )
        return {"memscore_by_frequency": freq}

    return tables


def _retro(second):
    def tables():
        retro = pd.DataFrame(
            {
                "dataset": ["digits", "mixture"],
                "head": "retro_parametric",
                "mem_minus_parametric": [-0.01, second],
                "mem_minus_parametric_se": [0.001, 0.001],
            }
        )
        return {"memscore_retro": retro}

    return tables


CASES = {
    "memscore_finds_flipped_labels": {"pass": _flipped([0.8, 0.6]), "fail": _flipped([0.8, 0.4])},
    "memscore_removal_costs_more": {"pass": _removal(0.01), "fail": _removal(-0.001)},
    "memscore_decreases_with_frequency": {"pass": _frequency([0.9, 0.5, 0.51]), "fail": _frequency([0.9, 0.5, 0.6])},
    "memscore_retro_parametric_memorizes_less": {"pass": _retro(-0.005), "fail": _retro(0.002)},
}
