"""The variance-preserving process of Buchanan et al.: x_t = α_t x_0 + σ_t ε, α_t = √(1 - t²), σ_t = t.

ψ_t = α_t²/σ_t² is the signal-to-noise ratio; an ε-prediction loss is ψ_t times the x₀ loss.
Deterministic DDIM moves x_t to x_s through the model's x₀ and ε predictions:
x_s = α_s x̂₀ + σ_s ε̂.
"""

from __future__ import annotations

import numpy as np


def grid(t_min: float, t_max: float, count: int) -> np.ndarray:
    """The time grid: ``count`` equally spaced points on [t_min, t_max], ascending (float64)."""
    return np.linspace(t_min, t_max, count)


def alpha(t):
    """α_t = √(1 - t²)."""
    return np.sqrt(1.0 - np.asarray(t, float) ** 2)


def sigma(t):
    """σ_t = t."""
    return np.asarray(t, float)


def snr(t):
    """ψ_t = α_t² / σ_t²."""
    t = np.asarray(t, float)
    return (1.0 - t**2) / t**2


def ddim(denoise, x_init, ts):
    """Deterministic DDIM from ``x_init`` at the largest time of ``ts`` down to the smallest.

    ``denoise(x, t) -> x̂₀`` is any x₀-predictor; ``ts`` ascending (NumPy). Returns the sample at
    the smallest time (JAX array). The loop runs over the time grid (26 steps), not over samples.
    """
    x = x_init
    rev = np.asarray(ts, float)[::-1]
    for t, s in zip(rev[:-1], rev[1:], strict=True):
        a_t, s_t, a_s, s_s = (float(v) for v in (alpha(t), sigma(t), alpha(s), sigma(s)))
        x0 = denoise(x, np.float32(t))
        eps = (x - a_t * x0) / s_t
        x = a_s * x0 + s_s * eps
    return x
