"""Synthetic cases of the Brown et al. study's claims (tests/claims/cases.py)."""

import pandas as pd


def _attack(model, lo, seeds=20):
    def tables():
        rows = []
        for step in (10, 48):
            row = {"protocol": "faithful", "model": model, "step": step, "seeds": seeds, "attacked_per_seed": 100}
            for c in ("all", "free"):
                row |= {f"recovery_{c}": lo + 0.05, f"recovery_{c}_lo": lo, f"recovery_{c}_hi": lo + 0.1}
            rows.append(row)
        other = dict(rows[-1], model="other", step=1000)  # another model's later rows are not read
        return {"brown_attack": pd.DataFrame([*rows, other])}

    return tables


CASES = {
    "brown_attack_recovers_singletons": {
        "pass": _attack("logistic", 0.9),
        "fail": _attack("logistic", 0.55),
        "not-run": _attack("logistic", 0.9, seeds=2),  # two seeds: the interval means little
    },
    "brown_logistic_recovers_all_d": {
        "pass": _attack("logistic", 0.61),
        "fail": _attack("logistic", 0.5),
        "not-run": _attack("logistic", 0.9, seeds=2),
    },
    "brown_mlp_recovers_all_d": {
        "pass": _attack("mlp", 0.7),
        "fail": _attack("mlp", 0.59),
        "not-run": _attack("mlp", 0.9, seeds=1),
    },
}
