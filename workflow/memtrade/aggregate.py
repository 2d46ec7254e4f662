"""Tidy tables: join exact results with SDPI constants, bound, invariants, best learners."""

from __future__ import annotations

import pandas as pd

from .bounds import lower_bound_bits

KEYS = ["problem", "d", "n"]

#: bounds below this many bits are treated as zero: the ratio memorization / bound is left undefined (NaN)
NEGLIGIBLE_BITS = 1e-9

#: columns of the memorization table, in order (documented in docs/outputs.md)
TABLE_COLUMNS = [
    "problem",
    "d",
    "n",
    "learner",
    "family",
    "param_name",
    "param_value",
    "noise",
    "memorization_bits",
    "test_error",
    "test_error_tol",
    "error_method",
    "lower_bound_bits",
    "tau",
    "rho",
    "F",
    "seed",
]

BEST_COLUMNS = TABLE_COLUMNS[:10] + [
    "target_error",
    "lower_bound_bits",
    "lower_bound_at_target_bits",
    "ratio_to_bound",
]


class InvariantViolation(AssertionError):
    """Exact memorization fell below the SDPI lower bound: a bug, never a tolerance."""


def memorization_table(exact_frames, sdpi: pd.DataFrame) -> pd.DataFrame:
    """One row per (problem, d, n, learner, parameter), with the bound at the row's own error."""
    exact = pd.concat(list(exact_frames), ignore_index=True)
    merged = exact.merge(sdpi, on=KEYS, how="left", validate="many_to_one")
    missing = merged["tau"].isna()
    if missing.any():
        raise ValueError(f"no SDPI constants for {merged.loc[missing, KEYS].drop_duplicates().to_dict('records')}")
    merged["lower_bound_bits"] = lower_bound_bits(merged["F"], merged["test_error"])
    merged = merged.sort_values(["problem", "d", "n", "learner", "noise", "param_value"], kind="mergesort")
    return merged[TABLE_COLUMNS].reset_index(drop=True)


def check_invariant(table: pd.DataFrame) -> None:
    """Raise InvariantViolation listing every row with memorization < lower bound."""
    bad = table[table["memorization_bits"] < table["lower_bound_bits"]]
    if len(bad):
        raise InvariantViolation(
            "exact memorization below the SDPI lower bound (a bug):\n"
            + bad[KEYS + ["learner", "param_value", "noise", "memorization_bits", "lower_bound_bits"]].to_string()
        )


def best_at_target(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Per (problem, d, n, learner): the least-memorizing configuration with error <= target.

    ``targets`` has columns problem, d, target_error. (d, n, learner) triples
    where no configuration reaches the target are absent.
    """
    df = table.merge(targets, on=["problem", "d"], how="left", validate="many_to_one")
    df = df[df["test_error"] <= df["target_error"]]
    df = df.sort_values(KEYS + ["learner", "memorization_bits", "param_value", "noise"], kind="mergesort")
    best = df.groupby(KEYS + ["learner"], sort=True).head(1).copy()
    best["lower_bound_at_target_bits"] = lower_bound_bits(best["F"], best["target_error"])
    lb = best["lower_bound_bits"]
    best["ratio_to_bound"] = (best["memorization_bits"] / lb).where(lb >= NEGLIGIBLE_BITS)
    return best[BEST_COLUMNS].reset_index(drop=True)


RATIO_COLUMNS = [
    "problem",
    "d",
    "n",
    "learner",
    "param_value",
    "noise",
    "memorization_bits",
    "test_error",
    "target_error",
    "lower_bound_bits",
    "ratio_to_bound",
]


def ratio_table(best: pd.DataFrame) -> pd.DataFrame:
    """Per (problem, d, n): the learner with the least memorization that reaches the target, and its ratio.

    The ratio is memorization / lower bound at that learner's own (matched) error.
    """
    df = best.sort_values(KEYS + ["memorization_bits", "learner"], kind="mergesort")
    out = df.groupby(KEYS, sort=True).head(1)
    return out[RATIO_COLUMNS].reset_index(drop=True)


TIGHTNESS_COLUMNS = [
    "problem",
    "d",
    "n",
    "ratio_deterministic",
    "learner_deterministic",
    "ratio_all",
    "learner_all",
    "randomized_wins",
]


def tightness_table(best: pd.DataFrame, randomized_families) -> pd.DataFrame:
    """Per (problem, d, n): the best ratio to the bound at the target, deterministic families alone and all.

    ``best`` is best_at_target's rows (every learner's least-memorizing configuration at the target).
    """
    rows = []
    for key, g in best.dropna(subset=["ratio_to_bound"]).groupby(KEYS, sort=True):
        det = g[~g["family"].isin(list(randomized_families))]
        top = g.loc[g["ratio_to_bound"].idxmin()]
        row = dict(zip(KEYS, key, strict=True))
        row["ratio_deterministic"] = float(det["ratio_to_bound"].min()) if len(det) else float("nan")
        row["learner_deterministic"] = det.loc[det["ratio_to_bound"].idxmin(), "learner"] if len(det) else ""
        row["ratio_all"], row["learner_all"] = float(top["ratio_to_bound"]), top["learner"]
        row["randomized_wins"] = bool(top["family"] in set(randomized_families))
        rows.append(row)
    return pd.DataFrame(rows, columns=TIGHTNESS_COLUMNS)
