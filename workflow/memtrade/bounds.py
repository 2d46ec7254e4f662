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


def bound_table(problem, ns, errors):
    """tau_n, rho_n, F_n and LB_n(err) in bits for each n and each test error, as ``memtrade bound`` prints them.

    Parameters
    ----------
    problem : a problem of :mod:`memtrade.problems`
    ns : sequence of int
        Training-set sizes.
    errors : sequence of float
        Test errors in [0, 1/2].

    Returns
    -------
    pandas.DataFrame
        One row per (n, error): problem, d, n, the problem's scale, tau, rho, F, error,
        lower_bound_bits (the same sdpi and bound functions as the workflow's tables).
    """
    import pandas as pd

    from .sdpi import constants

    rows = []
    for n in ns:
        k = constants(problem, int(n))
        for err in errors:
            rows.append(
                {
                    "problem": problem.name,
                    "d": problem.d,
                    "n": int(n),
                    problem.scale_name: float(problem.scale),
                    "tau": k["tau"],
                    "rho": k["rho"],
                    "F": k["F"],
                    "error": float(err),
                    "lower_bound_bits": float(lower_bound_bits(k["F"], err)),
                }
            )
    return pd.DataFrame(rows)
