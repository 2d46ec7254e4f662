"""Problem definitions: parameters, per-coordinate laws, and data simulation.

In every problem y ~ Unif{+-1}, the example is x = y * u, and the signed
example u carries all the information about theta (docs/science.md section 4).
Coordinates are independent given theta, so each problem is described by one
coordinate's laws; every parameter comes from the config.

- ``gaussian`` (4.1): theta_j ~ N(0, 1), u_j = theta_j + sigma g_j, sigma^2 = c sqrt(d).
- ``boolean`` (4.2): theta_j ~ Unif{+-1}, u_j = theta_j w.p. (1 + r)/2, r = c d^(-1/4).
- ``sparse`` (4.3): theta_j is fixed w.p. q = c / sqrt(d) with a uniform value
  v_j, else free; u_j = v_j on fixed coordinates, a fresh uniform bit elsewhere.

For the two discrete problems the per-coordinate sufficient statistic of n
examples is a count (``boolean``: the number of +1s; ``sparse``: all +, all -
or mixed), and ``stat_law(n)`` returns its prior over theta_j and the table
P(statistic | theta_j).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import distributions as binom


def _labels(rng, trials, n):
    return rng.choice(np.array([-1.0, 1.0]), size=(trials, n))


@dataclass(frozen=True)
class GaussianClustering:
    """Gaussian clustering at dimension ``d`` with sigma^2 = c sqrt(d)."""

    d: int
    c: float

    name = "gaussian"
    scale_name = "sigma2"

    @property
    def sigma2(self) -> float:
        return float(self.c) * float(np.sqrt(self.d))

    @property
    def scale(self) -> float:
        return self.sigma2

    def simulate(self, rng: np.random.Generator, n: int, trials: int, d: int | None = None):
        """``trials`` draws of (theta, S): theta (trials, d), x (trials, n, d), y (trials, n).

        ``d`` may be below the problem's dimension to simulate only the first
        coordinates (sigma^2 keeps the value of the full problem).
        """
        d = self.d if d is None else int(d)
        theta = rng.standard_normal((trials, d))
        y = _labels(rng, trials, n)
        u = theta[:, None, :] + np.sqrt(self.sigma2) * rng.standard_normal((trials, n, d))
        return theta, y[:, :, None] * u, y


@dataclass(frozen=True)
class BooleanClustering:
    """Boolean clustering at dimension ``d`` with bias r = c d^(-1/4)."""

    d: int
    c: float

    name = "boolean"
    scale_name = "r"

    @property
    def r(self) -> float:
        return float(self.c) * float(self.d) ** -0.25

    @property
    def scale(self) -> float:
        return self.r

    #: theta_j values and prior
    theta_values = np.array([-1.0, 1.0])

    @cached_property
    def theta_prior(self) -> np.ndarray:
        return np.array([0.5, 0.5])

    def fresh_plus(self) -> np.ndarray:
        """P(u_j = +1 | theta_j) for a fresh example, per theta value."""
        return np.array([(1 - self.r) / 2, (1 + self.r) / 2])

    def stat_law(self, n: int):
        """(statistic values m = number of +1s, P(m | theta) of shape (2, n + 1))."""
        m = np.arange(n + 1)
        table = np.stack([binom.pmf(m, n, p) for p in self.fresh_plus()])
        return m, table

    def simulate(self, rng, n, trials, d=None):
        d = self.d if d is None else int(d)
        theta = rng.choice(self.theta_values, size=(trials, d))
        agree = rng.random((trials, n, d)) < (1 + self.r) / 2
        u = np.where(agree, theta[:, None, :], -theta[:, None, :])
        y = _labels(rng, trials, n)
        return theta, y[:, :, None] * u, y


@dataclass(frozen=True)
class SparseHypercube:
    """Sparse Boolean hypercube at dimension ``d`` with fixing probability q = c / sqrt(d)."""

    d: int
    c: float

    name = "sparse"
    scale_name = "q"

    @property
    def q(self) -> float:
        return float(self.c) / float(np.sqrt(self.d))

    @property
    def scale(self) -> float:
        return self.q

    #: theta_j values: 0 = free, +1 / -1 = fixed to that value
    theta_values = np.array([0.0, 1.0, -1.0])

    @cached_property
    def theta_prior(self) -> np.ndarray:
        return np.array([1 - self.q, self.q / 2, self.q / 2])

    def fresh_plus(self) -> np.ndarray:
        return np.array([0.5, 1.0, 0.0])

    def stat_law(self, n: int):
        """(statistic values +1 = all +, -1 = all -, 0 = mixed; P(stat | theta) of shape (3, 3))."""
        half = 0.5**n
        table = np.array([[half, half, 1 - 2 * half], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        return np.array([1.0, -1.0, 0.0]), table

    def simulate(self, rng, n, trials, d=None):
        d = self.d if d is None else int(d)
        fixed = rng.random((trials, d)) < self.q
        value = rng.choice(np.array([-1.0, 1.0]), size=(trials, d))
        theta = np.where(fixed, value, 0.0)
        free_bits = rng.choice(np.array([-1.0, 1.0]), size=(trials, n, d))
        u = np.where(fixed[:, None, :], value[:, None, :], free_bits)
        y = _labels(rng, trials, n)
        return theta, y[:, :, None] * u, y


PROBLEMS = {"gaussian": GaussianClustering, "boolean": BooleanClustering, "sparse": SparseHypercube}


def make_problem(name: str, d: int, params: dict):
    """Build the problem ``name`` at dimension ``d`` from its config section (without grids)."""
    if name not in PROBLEMS:
        raise ValueError(f"unknown problem {name!r}; known: {sorted(PROBLEMS)}")
    return PROBLEMS[name](d=int(d), c=float(params["c"]))
