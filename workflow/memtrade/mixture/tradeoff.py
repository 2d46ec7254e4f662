"""Mixtures of clusters under long-tailed frequencies (docs/science.md section 7; FKL section 5; Feldman 2020).

K clusters, each an independent instance of one single-cluster problem; an
example is (cluster id, x, y) with the id observed. With n_c training
examples in cluster c and per-cluster test error err_c, superadditivity gives

    mem >= sum_c F_{n_c} (1 - h2(err_c)).

The learner learns cluster c with the problem's natural structured learner
when n_c >= t and answers at chance (error 1/2, no memorization) otherwise.

Per-cluster values depend on the count m only (``cluster_curves``), so
expectations over the multinomial count vector are exact through the binomial
marginals n_c ~ Binomial(n, p_c) (linearity of expectation). The spread over
count vectors is estimated by Monte Carlo (seeded), which also cross-checks
the exact means. Random-frequency priors average the exact inner
expectation over seeded frequency draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import distributions as binom
from .. import seeds
from ..bounds import fano_information
from ..exact import evaluate
from ..learners import REFERENCE
from ..learners.base import subset_sizes
from ..sdpi import constants


def frequencies(prior: dict, K: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """Cluster frequencies p_1..p_K of a prior.

    ``zipf``: p_c proportional to c^(-a) (fixed). ``discrete`` (Feldman's
    frequency prior): each cluster draws a weight from ``levels`` with
    probabilities ``weights``; frequencies are the normalised weights.
    """
    if prior["family"] == "zipf":
        w = np.arange(1, K + 1, dtype=float) ** -float(prior["a"])
        return w / w.sum()
    if prior["family"] == "discrete":
        if rng is None:
            raise ValueError("a random-frequency prior needs a random generator")
        w = rng.choice(np.asarray(prior["levels"], float), size=K, p=np.asarray(prior["weights"], float))
        return w / w.sum()
    raise ValueError(f"unknown frequency prior family {prior['family']!r}")


def is_random(prior: dict) -> bool:
    """Whether a prior draws its frequencies at random (a ``levels`` prior), so that draws are averaged."""
    return prior["family"] != "zipf"


def cluster_curves(problem, k_fraction, m_max: int) -> pd.DataFrame:
    """Exact per-cluster memorization, error, F_m and bound for m = 0..m_max training examples."""
    k = subset_sizes(problem.d, [k_fraction])[0]
    rows = [{"m": 0, "memorization_bits": 0.0, "test_error": 0.5, "F": 0.0, "lower_bound_bits": 0.0}]
    for m in range(1, m_max + 1):
        learner = REFERENCE[problem.name](problem, m, k)
        res = evaluate(learner, problem)
        F = constants(problem, m)["F"]
        rows.append(
            {
                "m": m,
                "memorization_bits": res["memorization_bits"],
                "test_error": res["test_error"],
                "F": F,
                "lower_bound_bits": F * float(fano_information(res["test_error"])),
            }
        )
    return pd.DataFrame(rows)


def _curve_arrays(curves: pd.DataFrame, threshold: int):
    m = curves["m"].to_numpy()
    learned = m >= max(threshold, 1)
    mem = np.where(learned, curves["memorization_bits"], 0.0)
    err = np.where(learned, curves["test_error"], 0.5)
    lb = np.where(learned, curves["lower_bound_bits"], 0.0)
    return mem, err, lb


def count_marginals(p: np.ndarray, n: int) -> np.ndarray:
    """P(n_c = m) for every cluster c and m = 0..n: shape (K, n + 1)."""
    return binom.pmf(np.arange(n + 1)[None, :], n, p[:, None])


def exact_expectations(p: np.ndarray, n: int, curves: pd.DataFrame, threshold: int) -> dict:
    """Exact E[memorization], E[error], E[bound] and the bound's split by count, over count vectors."""
    marg = count_marginals(p, n)
    mem, err, lb = (a[: n + 1] for a in _curve_arrays(curves, threshold))
    by_count = marg.sum(axis=0) * lb  # expected bound from clusters seen exactly m times
    return {
        "memorization_bits": float(marg.sum(axis=0) @ mem),
        "test_error": float(p @ (marg @ err)),
        "lower_bound_bits": float(by_count.sum()),
        "by_count": by_count,
        "singletons": float(marg[:, 1].sum()) if n >= 1 else 0.0,
    }


def simulate(p: np.ndarray, n: int, curves: pd.DataFrame, threshold: int, rng, draws: int) -> pd.DataFrame:
    """Per count vector: memorization, error, bound and singleton excess error (Monte Carlo)."""
    counts = rng.multinomial(n, p, size=draws)
    mem, err, lb = _curve_arrays(curves, threshold)
    e1 = float(curves.loc[curves["m"] == 1, "test_error"].iloc[0])
    return pd.DataFrame(
        {
            "memorization_bits": mem[counts].sum(axis=1),
            "test_error": err[counts] @ p,
            "lower_bound_bits": lb[counts].sum(axis=1),
            "singleton_excess_error": ((counts == 1) * p[None, :]).sum(axis=1) * (0.5 - e1),
        }
    )


def feldman_tau1(p, n: int) -> float:
    """tau_1 = E[a^2 (1 - a)^(n-1)] / E[a (1 - a)^(n-1)], a the frequency of a uniformly chosen cluster.

    ``p`` holds the frequencies of one draw (K,) or of several draws (draws, K): the expectations
    are then pooled over draws and clusters (a ratio of expectations, as in Feldman 2020).
    """
    p = np.asarray(p, dtype=float)
    w = (1.0 - p) ** (n - 1)
    return float(np.sum(p * p * w) / np.sum(p * w))


def prior_tables(
    name: str,
    prior: dict,
    K: int,
    n_grid,
    thresholds,
    curves: pd.DataFrame,
    seed: int,
    draws: int,
    frequency_draws: int,
):
    """Trade-off rows (one per n and threshold), bound split by count, and Feldman's prediction, for one prior.

    Exact expectations over count vectors; Monte Carlo (``draws`` count vectors per frequency draw)
    for the spread and as a cross-check. Streams (:mod:`memtrade.seeds`): ("mixture", "frequencies", name, n)
    and ("mixture", "counts", name, n, t, draw).
    """
    e1 = float(curves.loc[curves["m"] == 1, "test_error"].iloc[0])
    trade, split, feld = [], [], []
    for n in n_grid:
        n = int(n)
        rng_freq = seeds.generator(seed, "mixture", "frequencies", name, n)
        freq_list = [frequencies(prior, K, rng_freq) for _ in range(frequency_draws if is_random(prior) else 1)]
        for t in thresholds:
            exact, sims = [], []
            for i, p in enumerate(freq_list):
                exact.append(exact_expectations(p, n, curves, int(t)))
                sims.append(
                    simulate(
                        p, n, curves, int(t), seeds.generator(seed, "mixture", "counts", name, n, int(t), i), draws
                    )
                )
            sim = pd.concat(sims, ignore_index=True)
            row = {"prior": name, "n": n, "threshold": int(t)}
            for key in ("memorization_bits", "test_error", "lower_bound_bits"):
                row[key] = float(np.mean([e[key] for e in exact]))
                row[f"{key}_mc"] = float(sim[key].mean())
                row[f"{key}_mc_se"] = float(sim[key].std(ddof=1) / np.sqrt(len(sim)))
                row[f"{key}_sd"] = float(sim[key].std(ddof=1))
            row["expected_singletons"] = float(np.mean([e["singletons"] for e in exact]))
            row["holds_every_draw"] = bool((sim["memorization_bits"] >= sim["lower_bound_bits"]).all())
            trade.append(row)
            if int(t) == 1:
                by_count = np.mean([e["by_count"] for e in exact], axis=0)
                total = by_count.sum()
                for m in range(1, len(by_count)):
                    if by_count[m] > 0:
                        split.append(
                            {
                                "prior": name,
                                "n": n,
                                "count": m,
                                "lower_bound_bits": float(by_count[m]),
                                "share": float(by_count[m] / total) if total > 0 else 0.0,
                            }
                        )
                excess = sim["singleton_excess_error"]
                tau1 = feldman_tau1(np.stack(freq_list), n)
                singles = row["expected_singletons"]
                feld.append(
                    {
                        "prior": name,
                        "n": n,
                        "tau1": tau1,
                        "expected_singletons": singles,
                        "gain_per_cluster": 0.5 - e1,
                        "predicted_excess_error": singles * tau1 * (0.5 - e1),
                        "simulated_excess_error": float(excess.mean()),
                        "simulated_excess_error_se": float(excess.std(ddof=1) / np.sqrt(len(excess))),
                    }
                )
    return pd.DataFrame(trade), pd.DataFrame(split), pd.DataFrame(feld)


def best_at_target(trade: pd.DataFrame, slack: float) -> pd.DataFrame:
    """Per (prior, n): the threshold with the least memorization whose error is within ``slack`` of t = 1's."""
    rows = []
    for (prior, n), g in trade.groupby(["prior", "n"], sort=True):
        target = float(g.loc[g["threshold"] == g["threshold"].min(), "test_error"].iloc[0]) + slack
        ok = g[g["test_error"] <= target].sort_values(["memorization_bits", "threshold"])
        best = ok.iloc[0]
        rows.append(
            {
                "prior": prior,
                "n": n,
                "target_error": target,
                "threshold": int(best["threshold"]),
                "memorization_bits": best["memorization_bits"],
                "test_error": best["test_error"],
                "lower_bound_bits": best["lower_bound_bits"],
            }
        )
    return pd.DataFrame(rows)


def check_invariant(trade: pd.DataFrame) -> None:
    """Raise if expected memorization < expected bound, or any simulated count vector broke the bound."""
    from ..aggregate import InvariantViolation

    bad = trade[(trade["memorization_bits"] < trade["lower_bound_bits"]) | ~trade["holds_every_draw"].astype(bool)]
    if len(bad):
        raise InvariantViolation("mixture memorization below its SDPI bound (a bug):\n" + bad.to_string())
