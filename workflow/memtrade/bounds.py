"""The memorization lower bound (FKL Theorem 3.7, docs/science.md section 3).

mem_n(A) >= (1 - tau_n) / rho_n * I(M; z) and I(M; z) >= 1 - h2(err), so
LB_n(err) = F_n * (1 - h2(err)) bits with F_n = (1 - tau_n) / rho_n.
"""

from __future__ import annotations

import numpy as np

from .info import h2


def factor(tau, rho):
    """F_n = (1 - tau_n) / rho_n."""
    tau = np.asarray(tau, dtype=float)
    rho = np.asarray(rho, dtype=float)
    return (1.0 - tau) / rho


def fano_information(err):
    """Fano lower bound on I(M; z) in bits for a classifier with error ``err``.

    Errors above 1/2 are folded (a classifier with error e > 1/2 flips into one
    with error 1 - e), so the bound is 1 - h2(min(err, 1 - err)).
    """
    err = np.asarray(err, dtype=float)
    return 1.0 - h2(np.minimum(err, 1.0 - err))


def lower_bound_bits(F, err):
    """LB_n(err) = F_n * (1 - h2(err)) in bits."""
    return np.asarray(F, dtype=float) * fano_information(err)
