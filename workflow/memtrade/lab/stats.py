"""Statistics of the laboratory's measurements (no JAX): certified bits and loss units."""

from __future__ import annotations

import numpy as np

from ..info import h2
from ..intervals import t_half_width

LN2 = np.log(2.0)


def certified_bits(digits: np.ndarray, correct: np.ndarray, level: float = 0.95) -> dict:
    """A certified lower bound on the information about the secrets the model's greedy output reveals.

    ``digits``/``correct`` [seeds]: secret digits in the compared suffixes and how many the greedy
    output reproduced, one entry per seed. Fano's inequality for uniform digits (alphabet 10)
    at the pooled digit error rate ``p``: bits >= digits * max(0, log2 10 - h(p) - p log2 9), valid
    for the sum over digits by convexity (docs/science.md section 8). The certified value uses the
    upper end of the Student-t interval of ``p`` over seeds (zero beyond 0.9, where the bound is 0).
    """
    digits = np.asarray(digits, float)
    correct = np.asarray(correct, float)
    rate = 1.0 - correct / np.maximum(digits, 1)
    p = 1.0 - correct.sum() / max(digits.sum(), 1)
    mean_digits = float(digits.mean())

    def fano(e):
        e = min(max(e, 0.0), 0.9)
        return max(0.0, np.log2(10) - float(h2(e)) - e * np.log2(9))

    worst = float(rate.mean() + t_half_width(rate, level))  # NaN with one seed
    return {
        "secret_digits": mean_digits,
        "digit_error_rate": float(p),
        "certified_bits_estimate": mean_digits * fano(p),
        "certified_bits": np.nan if np.isnan(worst) else mean_digits * fano(worst),
        "planted_bits": mean_digits * np.log2(10),
    }


def bits_per_word(nll_nats: np.ndarray, words: int) -> float:
    """Mean held-out loss in bits per word from per-document total NLLs (nats)."""
    return float(np.sum(nll_nats) / LN2 / (len(nll_nats) * words))
