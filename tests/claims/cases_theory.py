"""Synthetic cases of the FKL theory study's claims (tests/claims/cases.py)."""

import numpy as np
import pandas as pd


def _sdpi(F_of_n, problem="gaussian", ds=(100, 1000), ns=(1, 2, 4, 8, 16), scale=0.1):
    rows = [{"problem": problem, "d": d, "n": n, "scale": scale, "F": F_of_n(n, d)} for d in ds for n in ns]
    return pd.DataFrame(rows)


def _targets(problem, ds=(100, 1000), error=0.1):
    return pd.DataFrame({"problem": problem, "d": list(ds), "target_error": error})


def _linear_in_d(power):
    def tables():
        out = {}
        for p in ("gaussian", "boolean", "sparse"):
            out[f"sdpi_{p}"] = _sdpi(lambda n, d: d**power / n, problem=p)
            out[f"{p}_targets"] = _targets(p)
        return out

    return tables


def _knee(after_slope):
    def tables():
        ns = [1, 2, 4, 8, 16, 64, 256, 1024]
        r = 0.125  # n r^2 = 1 at n = 64
        F = [100.0 / n if n * r * r <= 1 else 100.0 / 64 * (64.0 / n) ** -after_slope for n in ns]
        frame = pd.DataFrame({"problem": "boolean", "d": 100, "n": ns, "scale": r, "F": F})
        return {"sdpi_boolean": frame}

    return tables


def _tightness(ratio):
    def tables():
        rows = [
            {"problem": p, "d": d, "n": n, "ratio_all": ratio, "learner_all": "x", "ratio_deterministic": ratio}
            for p in ("gaussian", "boolean")
            for d in (100, 1000)
            for n in (1, 4)
        ]
        return {"tightness": pd.DataFrame(rows)}

    return tables


def _log_factor(ratio_of_n):
    def tables():
        ns = [1, 2, 4, 8]
        sdpi = pd.DataFrame(
            {"problem": "sparse", "d": 100, "n": ns, "scale": 0.1, "F": [100 * 0.5 ** (n - 1) for n in ns]}
        )
        tight = pd.DataFrame(
            {
                "problem": "sparse",
                "d": 100,
                "n": ns,
                "ratio_all": [ratio_of_n(n) for n in ns],
                "learner_all": "x",
                "ratio_deterministic": 1.0,
            }
        )
        return {"sdpi_sparse": sdpi, "tightness": tight}

    return tables


def _growth(power):
    def tables():
        ns = [4, 8, 16, 32]
        ratios = pd.DataFrame(
            {"problem": "sparse", "d": 100, "n": ns, "ratio_to_bound": [float(n) ** power for n in ns]}
        )
        sdpi = pd.DataFrame({"problem": "sparse", "d": 100, "n": ns, "scale": 0.5, "F": 1.0})
        return {"ratios": ratios, "sdpi_sparse": sdpi}

    return tables


def _invariants(below):
    return lambda: {
        "memorization": pd.DataFrame({"memorization_bits": [5.0, 2.0 - below], "lower_bound_bits": [4.0, 2.0]})
    }


CASES = {
    "bound_linear_in_d": {"pass": _linear_in_d(1.0), "fail": _linear_in_d(0.5)},
    "gaussian_one_over_n": {
        "pass": lambda: {"sdpi_gaussian": _sdpi(lambda n, d: d / n)},
        "fail": lambda: {"sdpi_gaussian": _sdpi(lambda n, d: d / np.sqrt(n))},
    },
    "boolean_knee": {"pass": _knee(-4.0), "fail": _knee(-1.0)},
    "sparse_exponential": {
        "pass": lambda: {"sdpi_sparse": _sdpi(lambda n, d: d * 0.5**n, problem="sparse")},
        "fail": lambda: {"sdpi_sparse": _sdpi(lambda n, d: d / n, problem="sparse")},
    },
    "learners_match_constant": {"pass": _tightness(4.0), "fail": _tightness(12.0)},
    "sparse_within_log_factor": {"pass": _log_factor(lambda n: 2.0 * n), "fail": _log_factor(lambda n: 30.0)},
    "sparse_ratio_grows_like_n": {"pass": _growth(1.0), "fail": _growth(2.5)},
    "invariants": {"pass": _invariants(0.0), "fail": _invariants(0.5)},
}
