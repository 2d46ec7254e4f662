"""Structured learners for the Boolean and sparse problems (docs/science.md section 5).

Each coordinate's output is a function of the count statistic of the n
examples, so its conditional law given theta_j is a finite table, and every
quantity is an exact finite sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import LinearRule, StructuredLearner


@dataclass(frozen=True)
class DiscreteLaw:
    """Per-coordinate output O with P(O = o | theta) = table[theta, o].

    ``levels`` are the classifier weights of the outputs (in {-1, 0, +1});
    ``prior`` is P(theta) and ``fresh_plus`` is P(u_j = +1 | theta) for a fresh example.
    """

    prior: np.ndarray
    table: np.ndarray
    levels: tuple
    fresh_plus: np.ndarray


def _output_law(problem, n: int, output_of_stat, levels) -> DiscreteLaw:
    """Law of a deterministic output of the count statistic; ``output_of_stat`` maps statistic values to levels."""
    values, like = problem.stat_law(n)
    outputs = np.asarray([output_of_stat(v) for v in values])
    onehot = (outputs[:, None] == np.asarray(levels)[None, :]).astype(float)
    return DiscreteLaw(problem.theta_prior, like @ onehot, tuple(levels), problem.fresh_plus())


def majority_law(problem, n: int) -> DiscreteLaw:
    """Majority sign of the n examples' coordinate; a tie (n even) gives +1 (fixed tie rule)."""
    return _output_law(problem, n, lambda m: 1.0 if 2 * m >= n else -1.0, (-1.0, 1.0))


def agreement_law(problem, n: int) -> DiscreteLaw:
    """The common value when all n examples agree on the coordinate, else 0 (not stored)."""
    return _output_law(problem, n, lambda s: s, (-1.0, 0.0, 1.0))


def example_law(problem) -> DiscreteLaw:
    """One example's coordinate u_j (for store-all's memorization)."""
    plus = problem.fresh_plus()
    return DiscreteLaw(problem.theta_prior, np.stack([1 - plus, plus], axis=1), (-1.0, 1.0), plus)


def majority_subset(problem, n: int, k: int) -> StructuredLearner:
    """Boolean clustering: store the majority sign of k coordinates."""
    law = majority_law(problem, n)
    return StructuredLearner("majority_subset", "k", int(k), ((int(k), law),), 0.0, LinearRule(law, int(k)))


def agreement_subset(problem, n: int, k: int) -> StructuredLearner:
    """Sparse hypercube: among k coordinates, store those where all n examples agree, with their value."""
    law = agreement_law(problem, n)
    return StructuredLearner("agreement_subset", "k", int(k), ((int(k), law),), 0.0, LinearRule(law, int(k)))


def store_all(problem, n: int) -> StructuredLearner:
    """Keep every example (labels and features); classify with the problem's natural rule on all d coordinates."""
    law = majority_law(problem, n) if problem.name == "boolean" else agreement_law(problem, n)
    d = problem.d
    return StructuredLearner("store_all", "bits", 1, ((n * d, example_law(problem)),), float(n), LinearRule(law, d))


def _randomized(law: DiscreteLaw, eps: float) -> DiscreteLaw:
    """The output passed through randomized response: a stored +-1 flips with probability eps (0 stays 0)."""
    levels = np.asarray(law.levels)
    flip = np.eye(len(levels))
    for i, a in enumerate(levels):
        if a != 0:
            j = int(np.flatnonzero(levels == -a)[0])
            flip[i, i], flip[i, j] = 1.0 - eps, eps
    return DiscreteLaw(law.prior, law.table @ flip, law.levels, law.fresh_plus)


def _stored_mass(law: DiscreteLaw) -> float:
    """P(output != 0), averaged over theta."""
    nonzero = np.asarray(law.levels) != 0
    return float(law.prior @ law.table[:, nonzero].sum(axis=1))


def randomized_majority_subset(problem, n: int, k: int, eps: float) -> StructuredLearner:
    """Boolean clustering: the majority sign of k coordinates, each flipped with probability eps.

    H(M_j | S, theta) = h2(eps) whatever S is, so the memorization is k (E H(M_j | theta) - h2(eps)).
    """
    from ..info import h2

    base = majority_law(problem, n)
    law = _randomized(base, eps)
    noise = ((int(k), float(h2(eps))),)
    family = "randomized_majority_subset"
    return StructuredLearner(family, "k", int(k), ((int(k), law),), 0.0, LinearRule(law, int(k)), float(eps), noise)


def randomized_agreement_subset(problem, n: int, k: int, eps: float) -> StructuredLearner:
    """Sparse hypercube: agreement-subset whose stored values are each flipped with probability eps.

    A coordinate is stored when all n examples agree (as agreement-subset); its value is then
    randomized, so H(M_j | S, theta) = P(stored) h2(eps).
    """
    from ..info import h2

    base = agreement_law(problem, n)
    law = _randomized(base, eps)
    noise = ((int(k), _stored_mass(base) * float(h2(eps))),)
    family = "randomized_agreement_subset"
    return StructuredLearner(family, "k", int(k), ((int(k), law),), 0.0, LinearRule(law, int(k)), float(eps), noise)
