"""Types shared by all structured learners.

A structured learner is described exactly, coordinate by coordinate:

- its memorization is ``label_bits`` plus a sum of terms
  ``multiplicity * E_theta[H(O | theta)]`` over per-coordinate outputs O,
  minus ``multiplicity * H(O | S, theta)`` for randomized outputs (``noise_terms``):
  I(S; M | theta) = H(M | theta) - H(M | S, theta), and the coordinates are
  independent given theta;
- its classifier is a linear rule sign(sum_{j<k} w_j x_j) whose weights w_j
  are i.i.d. given theta_j with a known conditional law (a zero score is a
  tie and counts as half an error).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinearRule:
    """Classifier sign(sum_{j<k} w_j x_j) with w_j i.i.d. ~ ``law`` given theta_j."""

    law: object
    k: int


@dataclass(frozen=True)
class StructuredLearner:
    """One configuration of a structured learner: memorization terms (per-coordinate output laws), linear rule."""

    family: str
    param_name: str
    param_value: float
    memorization_terms: tuple  # ((multiplicity, law), ...)
    label_bits: float
    rule: LinearRule
    noise: float = 0.0  # tau (Gaussian) or epsilon (discrete) of a randomized learner; 0: deterministic
    noise_terms: tuple = ()  # ((multiplicity, H(O | S, theta) in bits), ...)


def k_fractions(spec) -> list[float]:
    """The k/d fractions of a subset learner: an explicit list or a geometric grid."""
    if isinstance(spec, dict):
        count = int(np.floor(np.log2(1.0 / spec["min"]) * spec["per_octave"] + 1e-9)) + 1
        return [float(2.0 ** (-i / spec["per_octave"])) for i in range(count)]
    return [float(f) for f in spec]


def subset_sizes(d: int, spec) -> list[int]:
    """Distinct k = round(fraction * d), clipped to [1, d], in increasing order."""
    return sorted({max(1, min(d, int(round(f * d)))) for f in k_fractions(spec)})
