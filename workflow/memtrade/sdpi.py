"""Strong data processing constants tau_n (theta, S) and rho_n (z, S).

For the Gaussian clustering problem the constants have closed forms: for a
jointly Gaussian pair the SDPI constant is the squared correlation, and the
constant of a product of independent pairs is that of one coordinate
(tensorization; SCIENCE.md section 2).
"""

from __future__ import annotations

import numpy as np


def gaussian_pair_eta(r):
    """SDPI constant of a jointly Gaussian pair with correlation r: r^2."""
    return np.asarray(r, dtype=float) ** 2


def gaussian_tau_rho(n, sigma2):
    """tau_n and rho_n for Gaussian clustering with noise variance ``sigma2``.

    With ubar = theta + N(0, sigma2/n) the sufficient statistic of S,
    corr(theta, ubar)^2 = n / (n + sigma2) and, for a fresh signed example
    u = theta + N(0, sigma2), corr(u, ubar)^2 = n / ((1 + sigma2)(n + sigma2)).
    """
    n = np.asarray(n, dtype=float)
    sigma2 = np.asarray(sigma2, dtype=float)
    tau = n / (n + sigma2)
    rho = n / ((1.0 + sigma2) * (n + sigma2))
    return tau, rho


def sdpi_table(problem_name: str, params: dict, d_grid, n_grid):
    """Tidy table of tau_n, rho_n and F_n for every (d, n) of one problem."""
    import pandas as pd

    from .bounds import factor
    from .problems import make_problem

    rows = []
    for d in d_grid:
        problem = make_problem(problem_name, d, params)
        n = np.asarray(n_grid, dtype=float)
        if problem_name == "gaussian":
            tau, rho = gaussian_tau_rho(n, problem.sigma2)
        else:  # pragma: no cover - guarded by the config schema
            raise ValueError(f"no SDPI constants for problem {problem_name!r}")
        rows.append(
            pd.DataFrame(
                {
                    "problem": problem_name,
                    "d": int(d),
                    "n": np.asarray(n_grid, int),
                    "tau": tau,
                    "rho": rho,
                    "F": factor(tau, rho),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
