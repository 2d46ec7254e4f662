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

Each problem also states what a reconstruction attack certifies on it (docs/science.md
section 5): how the coordinates fall into groups with one conditional entropy (or variance)
each (``component_groups``, ``group_constants``), how an attack's guess is scored
(``component_errors``), the certified bits of a group (``certified_bits``), the guess read off a
model's direction (``guess_from_direction``) and the problem's natural learner
(``natural_weights``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import distributions as binom
from .info import fano_bits, h2


def _labels(rng, trials, n):
    return rng.choice(np.array([-1.0, 1.0]), size=(trials, n))


@dataclass(frozen=True)
class _Problem:
    """A problem at dimension ``d`` with scale constant ``c``; ``scale`` is the parameter named ``scale_name``."""

    d: int
    c: float

    name = ""
    scale_name = ""
    #: the attack group whose error rate the black-box tables report (``attack_error``)
    informative_group = 0
    #: whether examples lie in {-1, +1}^d, so that the query-only attacks can search them
    binary_inputs = True

    @property
    def scale(self) -> float:
        return float(getattr(self, self.scale_name))

    def component_groups(self, theta: np.ndarray) -> np.ndarray:
        """Each coordinate's attack group (an int per coordinate of ``theta``)."""
        return np.zeros(len(theta), int)

    def component_errors(self, guess: np.ndarray, u: np.ndarray) -> float:
        """Mismatches between a guess and the signed examples (binary coordinates)."""
        return float((guess != u).sum())

    def certified_bits(self, components, errors, constant: float):
        """Fano per binary component: components * max(0, H(u_j | theta_j) - h2(errors / components)), in bits.

        ``constant`` is H(u_j | theta_j) of the group; arrays broadcast (components > 0).
        """
        return fano_bits(components, np.asarray(errors, float) / components, constant)


@dataclass(frozen=True)
class GaussianClustering(_Problem):
    """Gaussian clustering at dimension ``d`` with sigma^2 = c sqrt(d)."""

    name = "gaussian"
    scale_name = "sigma2"
    binary_inputs = False

    @property
    def sigma2(self) -> float:
        """The noise variance sigma^2 = c sqrt(d)."""
        return float(self.c) * float(np.sqrt(self.d))

    def group_constants(self) -> dict[int, float]:
        """Var(u_j | theta_j) = sigma^2, one group."""
        return {0: float(self.sigma2)}

    def component_errors(self, guess: np.ndarray, u: np.ndarray) -> float:
        """Sum of squared errors of a guess of the signed examples."""
        return float(((guess - u) ** 2).sum())

    def certified_bits(self, components, errors, constant: float):
        """components * max(0, 1/2 log2(v / mse)) bits, v = ``constant``, mse = errors / components (inf at mse = 0).

        A Gaussian component of variance v guessed with mean squared error mse carries at least
        1/2 log2(v / mse) bits; arrays broadcast (components > 0).
        """
        components = np.asarray(components, float)
        mse = np.asarray(errors, float) / components
        with np.errstate(divide="ignore"):
            bits = components * np.maximum(0.0, 0.5 * np.log2(constant / np.where(mse > 0, mse, 1.0)))
        return np.where(mse > 0, bits, np.inf)

    def guess_from_direction(self, w: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """w rescaled onto theta (w ~ a ubar, a by least squares on theta); theta where w = 0 or a = 0."""
        a = float(w @ theta) / float(theta @ theta)
        return np.where(w != 0, w / a, theta) if a != 0 else theta

    @staticmethod
    def natural_weights(u: np.ndarray) -> np.ndarray:
        """The sign of the mean of the signed examples u (n, d), per coordinate (0 -> +1)."""
        return np.where(u.mean(axis=0) >= 0, 1.0, -1.0)

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
class BooleanClustering(_Problem):
    """Boolean clustering at dimension ``d`` with bias r = c d^(-1/4)."""

    name = "boolean"
    scale_name = "r"

    @property
    def r(self) -> float:
        """The bias r = c d^(-1/4): P(u_j = theta_j) = (1 + r) / 2."""
        return float(self.c) * float(self.d) ** -0.25

    def group_constants(self) -> dict[int, float]:
        """H(u_j | theta_j) = h2((1 + r) / 2) bits, one group."""
        return {0: float(h2((1 + self.r) / 2))}

    def guess_from_direction(self, w: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """sign(w_j), and theta_j where w_j = 0."""
        return np.where(w != 0, np.sign(w), theta)

    @staticmethod
    def natural_weights(u: np.ndarray) -> np.ndarray:
        """The majority of the signed examples u (n, d), per coordinate (a tie -> +1)."""
        return np.where(u.sum(axis=0) >= 0, 1.0, -1.0)

    #: theta_j values and prior
    theta_values = np.array([-1.0, 1.0])

    @cached_property
    def theta_prior(self) -> np.ndarray:
        """P(theta_j) over ``theta_values``: uniform."""
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
        """``trials`` draws of (theta, S): theta (trials, d), x (trials, n, d), y (trials, n)."""
        d = self.d if d is None else int(d)
        theta = rng.choice(self.theta_values, size=(trials, d))
        agree = rng.random((trials, n, d)) < (1 + self.r) / 2
        u = np.where(agree, theta[:, None, :], -theta[:, None, :])
        y = _labels(rng, trials, n)
        return theta, y[:, :, None] * u, y


@dataclass(frozen=True)
class SparseHypercube(_Problem):
    """Sparse Boolean hypercube at dimension ``d`` with fixing probability q = c / sqrt(d)."""

    name = "sparse"
    scale_name = "q"
    informative_group = 1

    @property
    def q(self) -> float:
        """The fixing probability q = c / sqrt(d)."""
        return float(self.c) / float(np.sqrt(self.d))

    def component_groups(self, theta: np.ndarray) -> np.ndarray:
        """1 where theta leaves the coordinate free, 0 where it fixes it."""
        return (np.asarray(theta) == 0).astype(int)

    def group_constants(self) -> dict[int, float]:
        """Fixed coordinates carry nothing (0 bits), free ones a fair bit (1 bit)."""
        return {0: 0.0, 1: 1.0}

    def guess_from_direction(self, w: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """theta's value on fixed coordinates; sign(w_j) on free ones (+1 where w_j = 0)."""
        return np.where(theta != 0, theta, np.where(w != 0, np.sign(w), 1.0))

    @staticmethod
    def natural_weights(u: np.ndarray) -> np.ndarray:
        """The agreement pattern of the signed examples u (n, d): their common value, 0 where they differ."""
        agree = np.all(u == u[:1], axis=0)
        return np.where(agree, u[0], 0.0)

    #: theta_j values: 0 = free, +1 / -1 = fixed to that value
    theta_values = np.array([0.0, 1.0, -1.0])

    @cached_property
    def theta_prior(self) -> np.ndarray:
        """P(theta_j) over ``theta_values`` (free, +1, -1): (1 - q, q / 2, q / 2)."""
        return np.array([1 - self.q, self.q / 2, self.q / 2])

    def fresh_plus(self) -> np.ndarray:
        """P(u_j = +1 | theta_j) for a fresh example, per theta value."""
        return np.array([0.5, 1.0, 0.0])

    def stat_law(self, n: int):
        """(statistic values +1 = all +, -1 = all -, 0 = mixed; P(stat | theta) of shape (3, 3))."""
        half = 0.5**n
        table = np.array([[half, half, 1 - 2 * half], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        return np.array([1.0, -1.0, 0.0]), table

    def simulate(self, rng, n, trials, d=None):
        """``trials`` draws of (theta, S): theta (trials, d), x (trials, n, d), y (trials, n)."""
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
