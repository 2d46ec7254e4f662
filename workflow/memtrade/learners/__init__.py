"""Structured learners: the registry of families and the expansion of config entries.

A config entry ``{family: ..., <parameters>}`` applies to every configured
problem its family supports; ``expand_learner`` turns it into one
StructuredLearner per parameter value.
"""

from __future__ import annotations

from . import discrete, gaussian
from .base import LinearRule, StructuredLearner, k_fractions, subset_sizes

__all__ = ["FAMILIES", "LinearRule", "StructuredLearner", "expand_learner", "k_fractions", "reference_learner"]

#: family -> problems it supports
FAMILIES = {
    "sign_subset": ("gaussian",),
    "quantized_mean": ("gaussian",),
    "store_all": ("gaussian", "boolean", "sparse"),
    "majority_subset": ("boolean",),
    "agreement_subset": ("sparse",),
    "noisy_sign_subset": ("gaussian",),
    "randomized_majority_subset": ("boolean",),
    "randomized_agreement_subset": ("sparse",),
}

#: randomized families and the config key of their noise grid
NOISE_KEYS = {
    "noisy_sign_subset": "tau",
    "randomized_majority_subset": "epsilon",
    "randomized_agreement_subset": "epsilon",
}

#: the natural learner of each problem; at n = 1 with k = d it defines the default target error
REFERENCE = {"gaussian": gaussian.sign_subset, "boolean": discrete.majority_subset, "sparse": discrete.agreement_subset}


def expand_learner(problem, n: int, spec: dict) -> list[StructuredLearner]:
    """All configurations of one config learner entry on ``problem`` with ``n`` examples."""
    family = spec["family"]
    if problem.name not in FAMILIES.get(family, ()):
        raise ValueError(f"learner family {family!r} does not support problem {problem.name!r}")
    if family == "sign_subset":
        return [gaussian.sign_subset(problem, n, k) for k in subset_sizes(problem.d, spec["k_fraction"])]
    if family == "majority_subset":
        return [discrete.majority_subset(problem, n, k) for k in subset_sizes(problem.d, spec["k_fraction"])]
    if family == "agreement_subset":
        return [discrete.agreement_subset(problem, n, k) for k in subset_sizes(problem.d, spec["k_fraction"])]
    if family in NOISE_KEYS:
        build = {
            "noisy_sign_subset": gaussian.noisy_sign_subset,
            "randomized_majority_subset": discrete.randomized_majority_subset,
            "randomized_agreement_subset": discrete.randomized_agreement_subset,
        }[family]
        ks = subset_sizes(problem.d, spec["k_fraction"])
        return [build(problem, n, k, float(t)) for t in spec[NOISE_KEYS[family]] for k in ks]
    if family == "quantized_mean":
        return [gaussian.quantized_mean(problem, n, b, spec["clip_sd"]) for b in spec["bits"]]
    if problem.name == "gaussian":  # store_all
        return [gaussian.store_all(problem, n, b, spec["clip_sd"]) for b in spec["bits"]]
    return [discrete.store_all(problem, n)]  # discrete examples are already one bit per coordinate


def reference_learner(problem) -> StructuredLearner:
    """The problem's natural learner at n = 1 storing all d coordinates."""
    return REFERENCE[problem.name](problem, 1, problem.d)
