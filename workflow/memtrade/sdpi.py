"""SDPI constants tau_n (theta, S) and rho_n (z, S) of each problem.

- Gaussian clustering: closed forms. For a jointly Gaussian pair the SDPI
  constant is the squared correlation, and a product of independent pairs has
  the constant of one coordinate (tensorization; docs/science.md section 2).
- Boolean clustering and the sparse hypercube: exact eta_KL (module ``eta``)
  on one coordinate, with the count statistic of the n examples in place of
  S (a sufficient statistic for theta_j and so for the fresh example too:
  the constant is unchanged). Results are cached per (problem, scale, n).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .eta import eta_kl
from .problems import make_problem


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


def statistic_channels(problem, n: int):
    """P_B over the count statistic B, and the channels P(theta | B) and P(u | B).

    Statistic values of probability zero are dropped.
    """
    _, like = problem.stat_law(n)
    joint = problem.theta_prior[:, None] * like  # theta x statistic
    p_b = joint.sum(axis=0)
    keep = p_b > 0
    p_b, joint = p_b[keep], joint[:, keep]
    post = (joint / p_b).T  # statistic x theta
    plus = post @ problem.fresh_plus()
    return p_b, post, np.stack([1.0 - plus, plus], axis=1)


@lru_cache(maxsize=4096)
def _discrete_constants(name: str, d: int, c: float, n: int) -> dict:
    problem = make_problem(name, d, {"c": c})
    p_b, post, fresh = statistic_channels(problem, n)
    tau, rho = eta_kl(p_b, post), eta_kl(p_b, fresh)
    return {
        "tau": tau.eta,
        "rho": rho.eta,
        "F": tau.gap / rho.eta,  # (1 - tau) / rho with 1 - tau computed without cancellation
        "tau_maxcorr2": tau.maxcorr2,
        "tau_dobrushin": tau.dobrushin,
        "rho_maxcorr2": rho.maxcorr2,
        "rho_dobrushin": rho.dobrushin,
        "method": f"tau:{tau.method} rho:{rho.method}",
    }


def constants(problem, n: int) -> dict:
    """tau_n, rho_n and their sanity bounds for one problem instance."""
    if problem.name == "gaussian":
        tau, rho = gaussian_tau_rho(n, problem.sigma2)
        tau, rho = float(tau), float(rho)
        # Gaussian channels: eta = maximal correlation^2; Dobrushin coefficient 1
        gap = problem.sigma2 / (n + problem.sigma2)  # 1 - tau
        return {
            "tau": tau,
            "rho": rho,
            "F": gap / rho,
            "tau_maxcorr2": tau,
            "tau_dobrushin": 1.0,
            "rho_maxcorr2": rho,
            "rho_dobrushin": 1.0,
            "method": "closed form",
        }
    return dict(_discrete_constants(problem.name, problem.d, problem.c, int(n)))


SDPI_COLUMNS = [
    "problem",
    "d",
    "n",
    "scale_name",
    "scale",
    "tau",
    "rho",
    "F",
    "tau_maxcorr2",
    "tau_dobrushin",
    "rho_maxcorr2",
    "rho_dobrushin",
    "method",
]


def sdpi_table(problem_name: str, params: dict, d_grid, n_grid) -> pd.DataFrame:
    """Tidy table of tau_n, rho_n, F_n and sanity bounds for every (d, n) of one problem."""
    rows = []
    for d in d_grid:
        problem = make_problem(problem_name, d, params)
        for n in n_grid:
            row = {
                "problem": problem_name,
                "d": int(d),
                "n": int(n),
                "scale_name": problem.scale_name,
                "scale": problem.scale,
                **constants(problem, int(n)),
            }
            rows.append(row)
    return pd.DataFrame(rows)[SDPI_COLUMNS]
