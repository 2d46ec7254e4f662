"""Exact memorization against general-purpose mutual-information estimators.

Quantity: the memorization I(S; M | theta) = H(M | theta) of sign-subset(k) on Gaussian clustering
(d = 100, sigma^2 = 10, n = 4 examples), for k = 1, 2, 4, 8, 16 stored coordinates: the dimension of
what an estimator must handle. Exact: the pipeline (memtrade.exact). Estimators, on N simulated
(theta, S) pairs:

- scikit-learn's k-nearest-neighbour estimator (``mutual_info_classif``, 3 neighbours). It estimates
  the MI of one continuous feature with a discrete target, so it is applied per coordinate with the
  chain rule, I(S_j; M_j | theta_j) = I(ubar_j; M_j) - I(theta_j; M_j), and summed: a user must
  know the coordinates are independent and which statistic the learner reads.
- A joint plug-in estimator (scikit-learn's ``mutual_info_score`` on discretised data):
  H(M | theta) = H(M) - I(M; theta) with theta binned into 8 equiprobable bins per coordinate and
  the bins of all k coordinates encoded jointly, as a user without structural knowledge would.

    python tools/mi_benchmark.py [--samples N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow"))

from memtrade.exact import memorization_bits  # noqa: E402
from memtrade.learners.gaussian import sign_subset  # noqa: E402
from memtrade.problems import GaussianClustering  # noqa: E402

LN2 = np.log(2.0)


def _codes(columns: np.ndarray, base: int) -> np.ndarray:
    """Encode rows of small non-negative integers as single labels."""
    return (columns * base ** np.arange(columns.shape[1])[None, :]).sum(axis=1)


def run(samples: int, seed: int = 0) -> list[dict]:
    from sklearn.feature_selection import mutual_info_classif
    from sklearn.metrics import mutual_info_score

    problem, n = GaussianClustering(d=100, c=1.0), 4
    rows = []
    for k in (1, 2, 4, 8, 16):
        start = time.perf_counter()
        exact = memorization_bits(sign_subset(problem, n, k))
        t_exact = time.perf_counter() - start
        rng = np.random.default_rng([seed, k])
        theta, x, y = problem.simulate(rng, n, samples, d=k)
        ubar = (y[:, :, None] * x).mean(axis=1)
        m = (ubar > 0).astype(int)

        start = time.perf_counter()
        knn = 0.0
        for j in range(k):
            both = mutual_info_classif(
                np.column_stack([ubar[:, j], theta[:, j]]), m[:, j], n_neighbors=3, random_state=seed
            )
            knn += (both[0] - both[1]) / LN2
        t_knn = time.perf_counter() - start

        start = time.perf_counter()
        m_code = _codes(m, 2)
        bins = np.clip(np.floor(norm.cdf(theta) * 8).astype(int), 0, 7)
        counts = np.bincount(m_code)
        p = counts[counts > 0] / samples
        h_m = -np.sum(p * np.log2(p))
        plug = h_m - mutual_info_score(m_code, _codes(bins, 8)) / LN2
        t_plug = time.perf_counter() - start
        for name, est, secs in (
            ("exact (memtrade)", exact, t_exact),
            ("kNN, per coordinate", knn, t_knn),
            ("plug-in, joint", plug, t_plug),
        ):
            rows.append(
                {
                    "k": k,
                    "method": name,
                    "bits": est,
                    "error": est - exact,
                    "relative": (est - exact) / exact,
                    "seconds": secs,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20_000)
    args = parser.parse_args()
    print(f"| k (dimension) | method | estimate (bits) | error (bits) | relative | time (s) |  [N = {args.samples}]")
    print("|---|---|---|---|---|---|")
    for r in run(args.samples):
        print(
            f"| {r['k']} | {r['method']} | {r['bits']:.4f} | {r['error']:+.4f} | {100 * r['relative']:+.1f} % "
            f"| {r['seconds']:.3f} |"
        )


if __name__ == "__main__":
    main()
