"""The diffusion laboratory's data: Buchanan et al.'s isotropic Gaussian mixture and colored templates.

Gaussian mixture: K equal-weight components N(μ_k, v I) in R^d with ‖μ_k‖ = √d (directions uniform
on the sphere), N training and ``n_val`` validation points.

Colored templates with two regions (FB-Mem's data): x = c_F ⊗ F_y + c_B ⊗ B_y, where the
foreground F_k is template k's ink (its intensities where they reach ``ink`` times its maximum, 0
elsewhere) and the background B_k a flat level ``background`` on the rest, and the two colours
c_F, c_B ~ N(0, I₃) are drawn independently, so that a model can copy one region of a training
image without the other. Buchanan et al.'s templates are Fashion-MNIST images resized to 15×15
(downloaded) with one colour; here (named deviations) they are K images of scikit-learn's shipped
``load_digits`` (8×8, intensities scaled to [0, 1]), one per class 0..K-1, drawn from the stream,
and foreground and background are coloured independently, as FB-Mem's question needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import seeds


@dataclass
class Mixture:
    """A Gaussian mixture's true parameters and its training and validation draws (with labels)."""

    means: np.ndarray  # [K, d]
    var: float
    x_train: np.ndarray  # [N, d]
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def gaussian_mixture(rng: np.random.Generator, d: int, k: int, n: int, n_val: int, var: float = 1.0) -> Mixture:
    """Buchanan et al.'s mixture: means of norm √d, component variance ``var``, equal weights."""
    means = rng.standard_normal((k, d))
    means *= np.sqrt(d) / np.linalg.norm(means, axis=1, keepdims=True)
    y = rng.integers(k, size=n + n_val)
    x = means[y] + np.sqrt(var) * rng.standard_normal((n + n_val, d))
    return Mixture(means, var, x[:n], y[:n], x[n:], y[n:])


@dataclass
class Templates:
    """The two-region template data: templates, their foreground masks, image shape, colour
    variance, draws and the colours they were drawn with."""

    templates: np.ndarray  # [K, P], foreground intensities on the ink, ``background`` elsewhere
    masks: np.ndarray  # [K, P] bool, foreground (ink)
    shape: tuple[int, int]
    var: float
    x_train: np.ndarray  # [N, 3, P]
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    fg_colors: np.ndarray  # [N + n_val, 3], training rows first
    bg_colors: np.ndarray


def digit_templates(rng: np.random.Generator, k: int, ink: float) -> tuple[np.ndarray, np.ndarray]:
    """K digit images (one per class 0..K-1, a random one of each) scaled to [0, 1], and their ink masks."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    if k > 10:
        raise ValueError(f"diffusion.templates.k is {k}; the digits have 10 classes")
    picks = [rng.choice(np.flatnonzero(digits.target == c)) for c in range(k)]
    t = digits.data[picks] / 16.0
    return t, t >= ink * t.max(axis=1, keepdims=True)


def colored_templates(
    rng: np.random.Generator,
    k: int,
    n: int,
    n_val: int,
    ink: float,
    background: float,
    colors: int = 3,
    var: float = 1.0,
) -> Templates:
    """x = c_F ⊗ F_y + c_B ⊗ B_y with c_F, c_B ~ N(0, var I_colors) independent, y uniform over K."""
    t, masks = digit_templates(rng, k, ink)
    t = np.where(masks, t, background)
    y = rng.integers(k, size=n + n_val)
    c_f = np.sqrt(var) * rng.standard_normal((n + n_val, colors))
    c_b = np.sqrt(var) * rng.standard_normal((n + n_val, colors))
    fg = np.where(masks, t, 0.0)[y][:, None, :]
    bg = np.where(masks, 0.0, t)[y][:, None, :]
    x = c_f[:, :, None] * fg + c_b[:, :, None] * bg
    return Templates(t, masks, (8, 8), var, x[:n], y[:n], x[n:], y[n:], c_f, c_b)


def stream(seed: int, *names) -> np.random.Generator:
    """The data stream of the diffusion stage (``memtrade.seeds``, prefix "diffusion")."""
    return seeds.generator(seed, "diffusion", *names)
