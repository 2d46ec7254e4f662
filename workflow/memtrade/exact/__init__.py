"""Exact memorization and exact test error of structured learners, and their tables.

- Memorization: I(S; M | theta) = H(M | theta) for a deterministic learner, a
  sum over per-coordinate outputs of E_theta[H(O | theta)]: one-dimensional
  quadrature for the Gaussian problem (``continuous``), finite sums for the
  discrete ones (``discrete``).
- Test error: the score of a linear rule is a sum of k i.i.d. terms; its sign
  error is computed by Gil-Pelaez inversion (``continuous``) or an exact
  trinomial sum (``discrete``). Each result carries ``test_error_tol``, the
  numerical error estimate.
"""

from __future__ import annotations

import pandas as pd

from ..learners import StructuredLearner, expand_learner, reference_learner
from ..learners.discrete import DiscreteLaw
from . import continuous, discrete


def expected_entropy(law) -> float:
    """E_theta[H(O | theta)] in bits for one coordinate's output law."""
    if isinstance(law, DiscreteLaw):
        return discrete.expected_entropy(law)
    return continuous.expected_entropy(law)


def memorization_bits(learner: StructuredLearner) -> float:
    """I(S; M | theta) = H(M | theta) - H(M | S, theta), coordinate-wise (the second term is 0 if deterministic)."""
    total = learner.label_bits
    for multiplicity, law in learner.memorization_terms:
        total += multiplicity * expected_entropy(law)
    for multiplicity, bits in learner.noise_terms:
        total -= multiplicity * bits
    return float(total)


def test_error(learner: StructuredLearner, problem):
    """Exact test error of the learner's linear rule, its error estimate and the method used."""
    if isinstance(learner.rule.law, DiscreteLaw):
        return (*discrete.linear_rule_error(learner.rule), "exact sum")
    return (*continuous.linear_rule_error(learner.rule, problem.sigma2), "gil-pelaez")


def evaluate(learner: StructuredLearner, problem) -> dict:
    """Exact memorization (bits) and exact test error of one learner configuration."""
    err, tol, method = test_error(learner, problem)
    return {
        "memorization_bits": memorization_bits(learner),
        "test_error": err,
        "test_error_tol": tol,
        "error_method": method,
    }


def exact_table(problem, n_grid, learner_name: str, spec: dict, seed: int) -> pd.DataFrame:
    """Exact memorization and test error of every configuration of one learner entry."""
    rows = []
    for n in n_grid:
        for learner in expand_learner(problem, int(n), spec):
            rows.append(
                {
                    "problem": problem.name,
                    "d": problem.d,
                    "n": int(n),
                    "learner": learner_name,
                    "family": learner.family,
                    "param_name": learner.param_name,
                    "param_value": learner.param_value,
                    "noise": learner.noise,
                    **evaluate(learner, problem),
                    "seed": int(seed),
                }
            )
    return pd.DataFrame(rows)


def reference_error(problem) -> float:
    """Test error of the problem's natural learner at n = 1 with k = d: the default target."""
    return test_error(reference_learner(problem), problem)[0]
