"""Information quantities in bits, computed stably (entr / xlogy, no log(0))."""

from __future__ import annotations

import numpy as np
from scipy.special import entr

LN2 = np.log(2.0)


def h2(p):
    """Binary entropy in bits, exact at 0 and 1 (entr(0) = 0)."""
    p = np.asarray(p, dtype=float)
    return (entr(p) + entr(1.0 - p)) / LN2


def fano_bits(components, error_rate, entropy_bits=1.0):
    """Fano's lower bound on the information an attack recovers about binary components, in bits.

    ``components`` components of conditional entropy ``entropy_bits`` each, guessed with pooled error
    rate ``error_rate``: components * max(0, entropy_bits - h2(error_rate)). By concavity of h2 the
    pooled rate gives a valid bound for the sum (docs/science.md section 5). Broadcasts.
    """
    p = np.clip(np.asarray(error_rate, dtype=float), 0.0, 1.0)
    return np.asarray(components, dtype=float) * np.maximum(0.0, entropy_bits - h2(p))


def entropy_bits(probs, axis=-1):
    """Shannon entropy in bits of probability vectors along ``axis``."""
    return np.sum(entr(np.asarray(probs, dtype=float)), axis=axis) / LN2


def interval_prob(lo, hi):
    """P(lo <= Z < hi) for standard normal Z, without cancellation in the tails.

    Uses the lower tail when the interval sits left of 0 and the upper tail
    when it sits right of 0, so tiny probabilities keep full relative accuracy.
    """
    from scipy.special import ndtr

    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    right = lo > 0
    return np.where(right, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))
