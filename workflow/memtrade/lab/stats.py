"""Statistics of the laboratory's measurements (no JAX): intervals over seeds, certified bits, loss units."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..info import h2

LN2 = np.log(2.0)


def certified_bits(digits: np.ndarray, correct: np.ndarray, level: float = 0.95) -> dict:
    """A certified lower bound on the information about the secrets the model's greedy output reveals.

    ``digits``/``correct`` [seeds]: secret digits in the compared suffixes and how many the greedy
    output reproduced, one entry per seed. Fano's inequality for uniform digits (alphabet 10)
    at the pooled digit error rate ``p``: bits >= digits * max(0, log2 10 - h(p) - p log2 9), valid
    for the sum over digits by convexity (docs/science.md section 8). The certified value uses the
    upper end of the Student-t interval of ``p`` over seeds (zero beyond 0.9, where the bound is 0).
    """
    digits = np.asarray(digits, float)
    correct = np.asarray(correct, float)
    rate = 1.0 - correct / np.maximum(digits, 1)
    p = 1.0 - correct.sum() / max(digits.sum(), 1)
    mean_digits = float(digits.mean())

    def fano(e):
        e = min(max(e, 0.0), 0.9)
        return max(0.0, np.log2(10) - float(h2(e)) - e * np.log2(9))

    if len(rate) > 1:
        half = stats.t.ppf(0.5 + level / 2, len(rate) - 1) * rate.std(ddof=1) / np.sqrt(len(rate))
        worst = float(rate.mean() + half)
    else:
        worst = np.nan
    return {
        "secret_digits": mean_digits,
        "digit_error_rate": float(p),
        "certified_bits_estimate": mean_digits * fano(p),
        "certified_bits": np.nan if np.isnan(worst) else mean_digits * fano(worst),
        "planted_bits": mean_digits * np.log2(10),
    }


def bits_per_word(nll_nats: np.ndarray, words: int) -> float:
    """Mean held-out loss in bits per word from per-document total NLLs (nats)."""
    return float(np.sum(nll_nats) / LN2 / (len(nll_nats) * words))


def summarize_rows(
    frame: pd.DataFrame, by: list[str], cols: list[str], level: float = 0.95, clip: dict | None = None
) -> pd.DataFrame:
    """Mean over seeds of per-seed values and Student-t 95 % intervals, per group ``by``.

    ``frame`` has one row per (seed, group); the interval is NaN with a single seed. ``clip`` maps
    a column to the (low, high) range its values cannot leave (rates in [0, 1], exposures >= 0);
    the interval ends are clipped to it, as the quantity itself is.
    """
    g = frame.groupby(by, sort=True)[cols]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    q = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
    half = pd.DataFrame(q, index=n.index, columns=cols) * sd / np.sqrt(n)
    half = half.where(n > 1)
    out = mean.copy()
    for c in cols:
        lo, hi = (clip or {}).get(c, (-np.inf, np.inf))
        out[f"{c}_lo"] = (mean[c] - half[c]).clip(lo, hi)
        out[f"{c}_hi"] = (mean[c] + half[c]).clip(lo, hi)
    out["seeds"] = n[cols[0]]
    ordered = ["seeds"] + [x for c in cols for x in (c, f"{c}_lo", f"{c}_hi")]
    return out[ordered].reset_index()
