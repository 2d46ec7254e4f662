"""Buchanan et al.'s analytic excess training losses and the predicted crossover (docs/science.md §10).

In x₀ units, with ψ_t = α_t²/σ_t² and component variance v, the excess training loss over the
memorizing (empirical) denoiser is approximately

- generalizing (ground-truth) denoiser: G(t) = d v / (1 + ψ_t v);
- partly memorizing (empirical on M of the N points): P_M(t) = d v (1 - M/N).

An ε-prediction loss is ψ_t times the x₀ loss, so with their uniform loss weight over the time grid
the weighted sums are Σ_t ψ_t G(t) and Σ_t ψ_t P_M(t). They are equal at

    M*/N = 1 - Σ_t w_t / (1 + ψ_t v) / Σ_t w_t,    w_t = ψ_t (ε-prediction, their training loss).

``weighting="x0"`` (w_t = 1) is the same comparison in x₀ units, an alternative reading reported
beside it.
"""

from __future__ import annotations

import numpy as np

from .process import snr


def excess_generalizing(t, d: int, var: float = 1.0) -> np.ndarray:
    """G(t) = d v / (1 + ψ_t v), x₀ units."""
    return d * var / (1.0 + snr(t) * var)


def excess_partial(t, d: int, m: int, n: int, var: float = 1.0) -> np.ndarray:
    """P_M(t) = d v (1 - M/N), x₀ units (the same at every t)."""
    return np.full(np.shape(t), d * var * (1.0 - m / n))


def weights(t, weighting: str = "eps") -> np.ndarray:
    """The time weights of the sums: ψ_t for their ε-prediction loss, 1 for x₀ units."""
    if weighting == "eps":
        return snr(t)
    if weighting == "x0":
        return np.ones(np.shape(t))
    raise ValueError(f"weighting must be 'eps' or 'x0', got {weighting!r}")


def crossover(t, var: float = 1.0, weighting: str = "eps") -> float:
    """The predicted M*/N, where the weighted excess losses of the two models are equal (float64)."""
    t = np.asarray(t, float)
    w = weights(t, weighting)
    return float(1.0 - np.sum(w / (1.0 + snr(t) * var)) / np.sum(w))
