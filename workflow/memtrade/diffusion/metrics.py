"""Buchanan et al.'s memorization metric and transition window, per-t losses, and the FB-Mem regions.

A generated sample is memorized when its distance to the nearest training point is below
``threshold`` (1/3) times its distance to the second-nearest; the memorization ratio is the fraction
of memorized samples. The transition window of a grid of model sizes runs from the last size whose
ratio is below δ before the ratio first reaches δ, to the first size whose ratio reaches 1 - δ
(δ = 0.1), as their sweep finds it.
"""

from __future__ import annotations

import numpy as np


def sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances [len(a), len(b)] between flattened rows (float64, clipped at 0)."""
    a = np.asarray(a, float).reshape(len(a), -1)
    b = np.asarray(b, float).reshape(len(b), -1)
    d2 = (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None]
    return np.maximum(d2, 0.0)


def nn_ratio(samples: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: distance to the nearest training point over that to the second-nearest, and the nearest's index."""
    d = np.sqrt(sq_distances(samples, train))
    part = np.argpartition(d, 1, axis=1)[:, :2]
    two = np.take_along_axis(d, part, axis=1)
    order = np.argsort(two, axis=1)
    d1 = np.take_along_axis(two, order[:, :1], axis=1)[:, 0]
    d2 = np.take_along_axis(two, order[:, 1:], axis=1)[:, 0]
    nearest = np.take_along_axis(part, order[:, :1], axis=1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d2 > 0, d1 / d2, np.where(d1 > 0, np.inf, 1.0))
    return ratio, nearest


def window(sizes, ratios, delta: float = 0.1) -> tuple[float, float]:
    """The transition window (start, end) of ``ratios`` over ascending ``sizes`` (their rule)."""
    sizes, ratios = np.asarray(sizes, float), np.asarray(ratios, float)
    start = end = None
    for i in range(len(sizes) - 1):
        if start is None and ratios[i] < delta <= ratios[i + 1]:
            start = sizes[i]
        if end is None and ratios[i] < 1 - delta <= ratios[i + 1]:
            end = sizes[i + 1]
    if start is None:
        start = sizes[0]
    if end is None:
        end = sizes[-1]
    return float(start), float(end)


def refine(start: int, end: int, coverage: int) -> list[int]:
    """Their finer grid inside the window: start..end in steps of max((end - start) // coverage, 1)."""
    step = max((int(end) - int(start)) // coverage, 1)
    return list(range(int(start), int(end) + 1, step))


def region_memorization(samples, train, masks, threshold: float, match: float):
    """FB-Mem's per-region view of each generated sample against the training set.

    ``masks`` [N, P] is the foreground (ink) mask of each training image's template; a sample's
    regions are those of its nearest training image (whole-image distance). In each region the
    sample is memorized when the nearest training image in that region is below ``threshold``
    times the second-nearest, and it matches every training image whose region distance is below
    ``match`` times the median region distance. Returns a dict of arrays [samples]: global,
    foreground and background memorized (bool), foreground and background matches (int), nearest.
    """
    samples = np.asarray(samples, float)
    train = np.asarray(train, float)
    n_s, c = samples.shape[:2]
    ratio, nearest = nn_ratio(samples, train)
    fg = masks[nearest]  # [samples, P]
    out = {"memorized": ratio < threshold, "nearest": nearest}
    for name, region in (("foreground", fg), ("background", ~fg)):
        w = np.repeat(region[:, None, :], c, axis=1).reshape(n_s, -1).astype(float)  # [samples, C*P]
        s = samples.reshape(n_s, -1) * w
        # ‖(g - x_i) ⊙ w‖² for every sample (own region) and training image, as one contraction
        t = train.reshape(len(train), -1)
        d2 = (s**2).sum(1)[:, None] - 2 * s @ t.T + (w @ (t**2).T)
        d = np.sqrt(np.maximum(d2, 0.0))
        two = np.sort(np.partition(d, 1, axis=1)[:, :2], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(two[:, 1] > 0, two[:, 0] / two[:, 1], 1.0)
        out[f"{name}_memorized"] = r < threshold
        out[f"{name}_matches"] = (d < match * np.median(d, axis=1, keepdims=True)).sum(1)
    return out
