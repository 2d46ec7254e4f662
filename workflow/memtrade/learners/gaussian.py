"""Structured learners for the Gaussian clustering problem (docs/science.md section 5).

Two kinds of conditional law appear. A ``ThresholdLaw`` quantises the Gaussian
statistic theta + N(0, 1/s^2) with fixed cut points and has closed-form
characteristic functions. A ``GridLaw`` tabulates P(w | theta) on a
quadrature grid in theta, for outputs without a closed form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..info import interval_prob
from ..quadrature import standard_normal_grid
from .base import LinearRule, StructuredLearner


@dataclass(frozen=True)
class ThresholdLaw:
    """Output ``levels[l]`` when theta + N(0, 1/s^2) lies in [cuts[l-1], cuts[l])."""

    s: float
    cuts: tuple
    levels: tuple

    @property
    def edges(self) -> np.ndarray:
        """Cut points with -inf and +inf at the ends."""
        return np.concatenate([[-np.inf], np.asarray(self.cuts, float), [np.inf]])

    @property
    def feature_width(self) -> float:
        """1 / s, the noise's standard deviation: the smallest length scale of the output law in theta."""
        return 1.0 / self.s

    def probs(self, theta) -> np.ndarray:
        """P(level l | theta), shape (len(theta), L)."""
        theta = np.asarray(theta, float)[:, None]
        e = self.edges[None, :]
        return interval_prob(self.s * (e[:, :-1] - theta), self.s * (e[:, 1:] - theta))


@dataclass(frozen=True)
class GridLaw:
    """P(levels[l] | theta) tabulated at quadrature nodes with N(0,1) weights."""

    nodes: np.ndarray
    weights: np.ndarray
    table: np.ndarray  # (len(nodes), L)
    levels: tuple


def uniform_quantizer(bits: int, sd: float, clip_sd: float):
    """Mid-rise uniform quantiser with 2^bits levels spanning +-clip_sd * sd.

    Returns (cuts, levels, step). With one bit it is the sign, levels +-step/2.
    """
    L = 2 ** int(bits)
    step = 2.0 * clip_sd * sd / L
    idx = np.arange(L)
    levels = (idx - (L - 1) / 2.0) * step
    cuts = (idx[1:] - L / 2.0) * step
    return cuts, levels, step


def _mean_precision(problem, n: int) -> float:
    """s with ubar - theta ~ N(0, 1/s^2): s = sqrt(n) / sigma."""
    return float(np.sqrt(n / problem.sigma2))


def sign_subset(problem, n: int, k: int) -> StructuredLearner:
    """Store sign(ubar_j) for the first k coordinates."""
    law = ThresholdLaw(s=_mean_precision(problem, n), cuts=(0.0,), levels=(-1.0, 1.0))
    return StructuredLearner("sign_subset", "k", int(k), ((int(k), law),), 0.0, LinearRule(law, int(k)))


def noisy_sign_noise_bits(problem, n: int, tau: float) -> float:
    """H(M_j | S, theta) = E[h2(Phi(ubar / tau))] in bits, ubar ~ N(0, 1 + sigma^2/n) (one-dimensional quadrature)."""
    if tau == 0:
        return 0.0
    from scipy.special import ndtr

    from ..info import h2

    sd = float(np.sqrt(1.0 + problem.sigma2 / n))
    nodes, weights = standard_normal_grid(feature_width=tau / sd)
    return float(weights @ h2(ndtr(sd * nodes / tau)))


def noisy_sign_subset(problem, n: int, k: int, tau: float) -> StructuredLearner:
    """Store sign(ubar_j + tau g_j) for the first k coordinates, g_j fresh N(0, 1) (randomized).

    Given theta_j the output is a threshold of theta_j + N(0, sigma^2/n + tau^2), so its law and the
    classifier's error are sign-subset's at precision 1 / sqrt(sigma^2/n + tau^2); the memorization
    subtracts k H(M_j | S, theta).
    """
    law = ThresholdLaw(s=float(1.0 / np.sqrt(problem.sigma2 / n + tau**2)), cuts=(0.0,), levels=(-1.0, 1.0))
    noise = noisy_sign_noise_bits(problem, n, tau)
    return StructuredLearner(
        "noisy_sign_subset", "k", int(k), ((int(k), law),), 0.0, LinearRule(law, int(k)), float(tau), ((int(k), noise),)
    )


def quantized_mean(problem, n: int, bits: int, clip_sd: float) -> StructuredLearner:
    """Store ubar quantised to ``bits`` bits per coordinate, for all d coordinates."""
    sd = np.sqrt(1.0 + problem.sigma2 / n)  # marginal sd of ubar
    cuts, levels, _ = uniform_quantizer(bits, sd, clip_sd)
    law = ThresholdLaw(_mean_precision(problem, n), tuple(cuts), tuple(levels))
    d = problem.d
    return StructuredLearner("quantized_mean", "bits", int(bits), ((d, law),), 0.0, LinearRule(law, d))


def _lattice_sum_pmf(pmf: np.ndarray, n: int) -> np.ndarray:
    """pmf of the sum of n i.i.d. lattice variables, row-wise, by FFT."""
    import scipy.fft  # here: importing it costs the workflow's start-up (every run and no-op) 0.3 s

    L = pmf.shape[1]
    size = n * (L - 1) + 1
    fast = scipy.fft.next_fast_len(size, real=True)
    spec = scipy.fft.rfft(pmf, n=fast, axis=1) ** n
    out = scipy.fft.irfft(spec, n=fast, axis=1)[:, :size]
    return np.clip(out, 0.0, 1.0)


def store_all(problem, n: int, bits: int, clip_sd: float) -> StructuredLearner:
    """Keep every training example: its label and its features quantised to ``bits``.

    Memorization: n label bits plus n*d*E[H(Q(u) | theta)]. Classifier: the
    sign of the sum of the stored quantised signed examples, per coordinate
    (zero on exact ties), used as a linear rule on all d coordinates.
    """
    sigma = np.sqrt(problem.sigma2)
    sd = np.sqrt(1.0 + problem.sigma2)  # marginal sd of one signed example u
    cuts, levels, _ = uniform_quantizer(bits, sd, clip_sd)
    example_law = ThresholdLaw(1.0 / sigma, tuple(cuts), tuple(levels))
    nodes, weights = standard_normal_grid(feature_width=sigma / np.sqrt(n), panels_per_width=1.0)
    L = len(levels)
    centre2 = n * (L - 1)  # twice the lattice index of a zero sum
    table = np.empty((len(nodes), 3))
    for rows in np.array_split(np.arange(len(nodes)), max(1, len(nodes) * (centre2 + 1) // 4_000_000)):
        sums = _lattice_sum_pmf(example_law.probs(nodes[rows]), n)
        m2 = 2 * np.arange(sums.shape[1])
        table[rows, 0] = sums[:, m2 < centre2].sum(1)
        table[rows, 1] = sums[:, m2 == centre2].sum(1)
        table[rows, 2] = sums[:, m2 > centre2].sum(1)
    table /= table.sum(axis=1, keepdims=True)
    law = GridLaw(nodes, weights, table, (-1.0, 0.0, 1.0))
    d = problem.d
    return StructuredLearner("store_all", "bits", int(bits), ((n * d, example_law),), float(n), LinearRule(law, d))
