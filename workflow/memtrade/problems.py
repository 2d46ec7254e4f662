"""Problem definitions: parameters and data simulation.

Gaussian clustering (SCIENCE.md section 4.1): theta ~ N(0, I_d), labels
y ~ Unif{+-1}, and the signed example u = y * x = theta + sigma * g with
g ~ N(0, I_d). The default noise scaling is sigma^2 = c * sqrt(d).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GaussianClustering:
    """One instance of the Gaussian clustering problem at dimension ``d``."""

    d: int
    c: float

    name = "gaussian"

    @property
    def sigma2(self) -> float:
        """Per-coordinate noise variance sigma^2 = c * sqrt(d)."""
        return float(self.c) * float(np.sqrt(self.d))

    def simulate(self, rng: np.random.Generator, n: int, trials: int, d: int | None = None):
        """Draw ``trials`` independent (theta, S) pairs with ``n`` examples each.

        ``d`` may be set lower than the problem's dimension to simulate only the
        first coordinates (coordinates are independent, and sigma^2 keeps the
        value of the full problem). Returns ``theta`` (trials, d), ``x``
        (trials, n, d) and ``y`` (trials, n).
        """
        d = self.d if d is None else int(d)
        sigma = np.sqrt(self.sigma2)
        theta = rng.standard_normal((trials, d))
        y = rng.choice(np.array([-1.0, 1.0]), size=(trials, n))
        u = theta[:, None, :] + sigma * rng.standard_normal((trials, n, d))
        x = y[:, :, None] * u
        return theta, x, y


PROBLEMS = {"gaussian": GaussianClustering}


def make_problem(name: str, d: int, params: dict):
    """Build the problem ``name`` at dimension ``d`` from its config section."""
    if name not in PROBLEMS:
        raise ValueError(f"unknown problem {name!r}; known: {sorted(PROBLEMS)}")
    if name == "gaussian":
        return GaussianClustering(d=int(d), c=float(params["c"]))
    raise AssertionError("unreachable")
