"""Exact memorization and test error of learners with finite per-coordinate laws."""

from __future__ import annotations

import numpy as np

from .. import distributions as binom
from ..info import entropy_bits

#: round-off bound reported for the exact finite sums
EXACT_SUM_TOL = 1e-12


def expected_entropy(law) -> float:
    """E_theta[H(O | theta)] in bits: a finite sum over theta."""
    return float(law.prior @ entropy_bits(law.table, axis=1))


def score_law(law):
    """P(V = +1), P(V = -1) for V = w(O) * u with u a fresh example's coordinate."""
    levels = np.asarray(law.levels, dtype=float)
    plus, minus = law.fresh_plus, 1.0 - law.fresh_plus
    # per theta: P(w = +1) P(u = +1) + P(w = -1) P(u = -1), and the opposite
    w_plus = law.table[:, levels > 0].sum(axis=1)
    w_minus = law.table[:, levels < 0].sum(axis=1)
    p_pos = float(law.prior @ (w_plus * plus + w_minus * minus))
    p_neg = float(law.prior @ (w_plus * minus + w_minus * plus))
    return p_pos, p_neg


#: the sum over N+ keeps the terms within this many standard deviations of its mean (O(sqrt(k)) terms)
TAIL_SDS = 40.0
#: terms summed at once
CHUNK = 65536


def trinomial_error_and_tail(k: int, p_pos: float, p_neg: float) -> tuple[float, float]:
    """P(T < 0) + P(T = 0)/2 for T = N+ - N-, (N+, N-, N0) ~ Multinomial(k; p_pos, p_neg, rest), and a tail bound.

    Exact: sum over N+ = a of P(N+ = a) [P(N- > a | a) + P(N- = a | a)/2],
    with N- | N+ = a ~ Binomial(k - a, p_neg / (1 - p_pos)). Only the values of a within
    ``TAIL_SDS`` standard deviations of k p_pos are summed; each neglected term is at most
    P(N+ = a), so the result is below the full sum by at most the returned binomial tail mass.
    """
    if p_pos >= 1.0:
        return 0.0, 0.0
    cond = min(p_neg / (1.0 - p_pos), 1.0)
    if cond < 1e-300:  # N- = 0 surely (and the binomial routines would overflow): error only on T = 0
        return float(0.5 * (1.0 - p_pos) ** k), 0.0
    half = TAIL_SDS * np.sqrt(k * p_pos * (1.0 - p_pos)) + 1.0
    lo, hi = max(0, int(np.floor(k * p_pos - half))), min(k, int(np.ceil(k * p_pos + half)))
    err = 0.0
    for start in range(lo, hi + 1, CHUNK):  # in chunks: bounded memory whatever k is
        a = np.arange(start, min(start + CHUNK, hi + 1))
        weight = binom.pmf(a, k, p_pos)
        err += float(np.sum(weight * (binom.sf(a, k - a, cond) + 0.5 * binom.pmf(a, k - a, cond))))
    tail = (float(binom.cdf(lo - 1, k, p_pos)) if lo > 0 else 0.0) + (float(binom.sf(hi, k, p_pos)) if hi < k else 0.0)
    return err, tail


def trinomial_error(k: int, p_pos: float, p_neg: float) -> float:
    """The truncated trinomial error sum (see trinomial_error_and_tail)."""
    return trinomial_error_and_tail(k, p_pos, p_neg)[0]


def linear_rule_error(rule):
    """Exact test error of a linear rule; the tolerance is the round-off bound plus the neglected tail mass."""
    p_pos, p_neg = score_law(rule.law)
    err, tail = trinomial_error_and_tail(int(rule.k), p_pos, p_neg)
    return err, EXACT_SUM_TOL + tail
