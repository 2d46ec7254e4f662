"""Binomial pmf, survival and distribution functions, without scipy.stats (the Student t quantile is in
:mod:`memtrade.intervals`).

Importing ``scipy.stats`` costs about 0.6 s, paid by every workflow job that imports a module
using it (most of them). These are the same Boost routines ``scipy.stats.binom`` calls, with its
handling of the support, so the values are bit-for-bit those of ``scipy.stats``
(tests/unit/test_distributions.py checks it), from ``scipy.special`` alone.
"""

from __future__ import annotations

import numpy as np

try:  # the ufuncs behind scipy.stats.binom (scipy >= 1.10)
    from scipy.special._ufuncs import _binom_cdf, _binom_pmf, _binom_sf
except ImportError:  # pragma: no cover - a future scipy without them: the public, slower route
    from scipy.stats import binom as _binom

    _binom_pmf, _binom_cdf, _binom_sf = _binom.pmf, _binom.cdf, _binom.sf


def _args(k, n, p):
    k, n, p = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float), np.asarray(p, dtype=float))
    return np.floor(k), n, p


def pmf(k, n, p):
    """P(X = k) for integer k and X ~ Binomial(n, p); 0 outside 0 <= k <= n."""
    k, n, p = _args(k, n, p)
    out = np.where((k >= 0) & (k <= n), _binom_pmf(np.clip(k, 0, n), n, p), 0.0)
    return out[()] if out.ndim == 0 else out


def sf(k, n, p):
    """P(X > k) for X ~ Binomial(n, p)."""
    k, n, p = _args(k, n, p)
    out = np.where(k < 0, 1.0, np.where(k >= n, 0.0, _binom_sf(np.clip(k, 0, n), n, p)))
    return out[()] if out.ndim == 0 else out


def cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p)."""
    k, n, p = _args(k, n, p)
    out = np.where(k < 0, 0.0, np.where(k >= n, 1.0, _binom_cdf(np.clip(k, 0, n), n, p)))
    return out[()] if out.ndim == 0 else out
