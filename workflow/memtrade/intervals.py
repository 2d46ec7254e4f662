"""Confidence intervals, in one place: Student-t intervals of means over seeds (alone, paired, or per
group of a tidy table) and binomial intervals of rates (Wilson, Clopper-Pearson).

The t quantile is ``scipy.special.stdtrit``, the routine ``scipy.stats.t.ppf`` calls (bit for bit
the same value), without the 0.6 s import of ``scipy.stats``. An interval over one seed is NaN:
one value says nothing about the spread. ``clip`` bounds an interval to the range its quantity
cannot leave (rates in [0, 1], exposures >= 0), as the quantity itself is bounded.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def t_quantile(q, df):
    """The q-quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``)."""
    return special.stdtrit(df, q)


def t_half_width(values, level: float = 0.95) -> float:
    """Half the width of the Student-t interval of the mean of ``values`` (NaN with fewer than two)."""
    values = np.asarray(values, float)
    if len(values) < 2:
        return float("nan")
    return float(t_quantile(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))


def t_interval(values, level: float = 0.95, clip=(-np.inf, np.inf)) -> tuple[float, float, float]:
    """(mean, low, high): the mean of ``values`` and its Student-t interval, clipped to ``clip``."""
    values = np.asarray(values, float)
    mean = float(values.mean())
    half = t_half_width(values, level)
    if np.isnan(half):
        return mean, float("nan"), float("nan")
    return mean, max(clip[0], mean - half), min(clip[1], mean + half)


def paired_difference(a, b, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of a - b paired by position (seed): the t-interval of the differences; a
    zero-width interval where every difference is the same."""
    diff = np.asarray(a, float) - np.asarray(b, float)
    m = float(diff.mean())
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
    half = float(t_quantile(0.5 + level / 2, len(diff) - 1) * se) if se > 0 else 0.0
    return m, m - half, m + half


def summarize(frame, by: list[str], cols: list[str], level: float = 0.95, clip: dict | None = None):
    """Per group ``by`` of a tidy table with one row per (seed, group): the mean of each column of
    ``cols`` over seeds with its Student-t interval (``<col>_lo``, ``<col>_hi``), and ``seeds``.

    The interval is NaN with a single seed; ``clip`` maps a column to the (low, high) range its
    interval ends are clipped to.
    """
    import pandas as pd

    g = frame.groupby(by, sort=True)[cols]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    q = t_quantile(0.5 + level / 2, np.maximum(n - 1, 1))
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


def wilson(successes, trials, level: float = 0.95):
    """Wilson's score interval (low, high) of a binomial rate: sensible at 0 and at 1, where the
    Wald interval has zero width. Vectorised; NaN where ``trials`` is 0."""
    k, n = np.asarray(successes, float), np.asarray(trials, float)
    z = special.ndtri(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def clopper_pearson(successes, trials, level: float = 0.95):
    """The exact (Clopper-Pearson) interval (low, high) of a binomial rate; vectorised."""
    k, n = np.asarray(successes, float), np.asarray(trials, float)
    a = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo = np.where(k > 0, special.betaincinv(k, n - k + 1, a), 0.0)
        hi = np.where(k < n, special.betaincinv(k + 1, n - k, 1 - a), 1.0)
    return lo, hi
