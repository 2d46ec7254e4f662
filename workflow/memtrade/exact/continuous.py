"""Exact memorization and test error for the Gaussian problem's learners.

- Memorization: one-dimensional integrals over theta ~ N(0, 1) of the
  conditional entropy of each per-coordinate output, on a composite
  Gauss-Legendre grid fine enough for the sharpest feature of the integrand.
- Test error: the classifier is sign(T), T = sum_{j<k} w_j u_j with u_j the
  fresh signed test example. The V_j = w_j u_j are i.i.d., so
  P(T < 0) + P(T = 0)/2 = 1/2 - (1/pi) int_0^inf Im(phi_V(t)^k) / t dt
  (Gil-Pelaez). phi_V is in closed form for threshold laws (through the
  Faddeeva function) and a quadrature sum for tabulated laws. The integral is
  evaluated twice, at two resolutions; their difference is reported as the
  numerical error estimate ``test_error_tol``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import wofz

from ..info import entropy_bits
from ..learners.base import LinearRule
from ..learners.gaussian import ThresholdLaw
from ..quadrature import composite_legendre, standard_normal_grid

#: largest accepted numerical error estimate of an exact test error
ERROR_TOLERANCE = 2e-3
_TAIL = 1e-14  # bound on |Im phi_T| beyond the integration cut-off


def expected_entropy(law) -> float:
    """E_theta[H(O | theta)] in bits for one coordinate's output law."""
    if isinstance(law, ThresholdLaw):
        nodes, weights = standard_normal_grid(law.feature_width)
        table = law.probs(nodes)
    else:
        nodes, weights, table = law.nodes, law.weights, law.table
    return float(weights @ entropy_bits(table, axis=1))


def _upper_indicator_char(tau, c, s):
    """G(tau, c) = E[Phi(s (theta - c)) exp(i tau theta)], theta ~ N(0, 1).

    Closed form e^{-tau^2/2} Phi(s (i tau - c) / sqrt(1 + s^2)) with Phi
    continued to the complex plane, evaluated through the Faddeeva function on
    the branch where it is bounded (c >= 0); c < 0 uses
    G(tau, c) = e^{-tau^2/2} - G(-tau, -c).
    """
    tau = np.asarray(tau, dtype=float)
    if np.isneginf(c):
        return np.exp(-0.5 * tau**2).astype(complex)
    if np.isposinf(c):
        return np.zeros_like(tau, dtype=complex)
    if c < 0:
        return np.exp(-0.5 * tau**2) - _upper_indicator_char(-tau, -c, s)
    scale = s / np.sqrt(2.0 * (1.0 + s * s))
    zeta = scale * (c - 1j * tau)
    return 0.5 * np.exp(-0.5 * tau**2 - zeta**2) * wofz(1j * zeta)


def char_v(law, t, sigma2: float) -> np.ndarray:
    """Characteristic function of V = w * u, u | theta ~ N(theta, sigma2)."""
    t = np.asarray(t, dtype=float)
    out = np.zeros_like(t, dtype=complex)
    levels = np.asarray(law.levels, float)
    if isinstance(law, ThresholdLaw):
        edges = law.edges
        for lvl, lo, hi in zip(levels, edges[:-1], edges[1:], strict=True):
            tau = lvl * t
            g = _upper_indicator_char(tau, lo, law.s) - _upper_indicator_char(tau, hi, law.s)
            out += g * np.exp(-0.5 * lvl**2 * sigma2 * t**2)
        return out
    for j, lvl in enumerate(levels):
        p = law.weights * law.table[:, j]
        if lvl == 0.0:
            out += p.sum()
            continue
        g = np.empty_like(t, dtype=complex)
        step = max(1, 2_000_000 // len(law.nodes))
        for start in range(0, len(t), step):  # bounded memory: blocks of t
            phase = np.outer(lvl * t[start : start + step], law.nodes)
            g[start : start + step] = np.cos(phase) @ p + 1j * (np.sin(phase) @ p)
        out += g * np.exp(-0.5 * lvl**2 * sigma2 * t**2)
    return out


def _grid_of(law):
    if isinstance(law, ThresholdLaw):
        nodes, weights = standard_normal_grid(law.feature_width)
        return nodes, weights, law.probs(nodes)
    return law.nodes, law.weights, law.table


def moments_v(law, sigma2: float):
    """Mean, variance and P(V = 0) of V = w * u."""
    nodes, weights, table = _grid_of(law)
    levels = np.asarray(law.levels, float)
    pw = weights[:, None] * table
    mean = float(np.sum(pw * levels[None, :] * nodes[:, None]))
    second = float(np.sum(pw * levels[None, :] ** 2 * (nodes[:, None] ** 2 + sigma2)))
    p_zero = float(pw[:, levels == 0.0].sum())
    return mean, second - mean**2, p_zero


def _cutoff(k: int, sigma2: float, w_min: float, p_zero: float) -> float:
    """t beyond which |Im phi_V(t)^k| < _TAIL.

    |phi_V(t)| <= p0 + (1 - p0) exp(-w_min^2 sigma2 t^2 / 2), hence
    |Im phi_V^k| <= (p0 + (1 - p0) x)^k - p0^k with x the Gaussian factor.
    """
    p0 = min(max(p_zero, 0.0), 1.0 - 1e-15)
    root = np.exp(np.logaddexp(np.log(_TAIL), k * np.log(p0) if p0 > 0 else -np.inf) / k)
    x = (root - p0) / (1.0 - p0)
    x = min(max(x, 1e-300), 1.0 - 1e-16)
    return float(np.sqrt(-2.0 * np.log(x) / (sigma2 * w_min**2)))


def _gil_pelaez(law, k: int, sigma2: float, t_max: float, panels: int) -> float:
    t, w = composite_legendre(0.0, t_max, panels)
    phi = char_v(law, t, sigma2)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_k = np.where(np.abs(phi) > 1e-300, np.exp(k * np.log(phi)), 0.0)
    return float(0.5 - np.sum(w * phi_k.imag / t) / np.pi)


def linear_rule_error(rule: LinearRule, sigma2: float):
    """Exact test error of a linear rule and the numerical error estimate."""
    law, k = rule.law, int(rule.k)
    levels = np.abs(np.asarray(law.levels, float))
    w_min = float(levels[levels > 0].min())
    mean, var, p_zero = moments_v(law, sigma2)
    t_max = _cutoff(k, sigma2, w_min, p_zero)
    # resolve both the oscillation (phase k*mean*t) and the envelope (scale 1/sqrt(k var))
    need = max(32.0, 2.0 * k * abs(mean) * t_max / np.pi, 4.0 * t_max * np.sqrt(k * var))
    panels = int(min(np.ceil(need), 20000))
    coarse = _gil_pelaez(law, k, sigma2, t_max, panels)
    fine = _gil_pelaez(law, k, sigma2, t_max, 2 * panels)
    tol = abs(fine - coarse) + 1e-12
    if tol > ERROR_TOLERANCE:
        raise ArithmeticError(f"test error not resolved: estimate {fine:.6f} +- {tol:.2e}")
    return min(max(fine, 0.0), 1.0), tol
