"""Feldman & Zhang's subsampled estimator of label memorization and influence (NeurIPS 2020).

    mem(A, S, i)    = Pr_{h <- A(S^I)}[h(x_i) = y_i | i in I] - Pr[h(x_i) = y_i | i not in I]
    infl(A, S, i, j) = Pr[h(x_j) = y_j | i in I] - Pr[h(x_j) = y_j | i not in I]

with I a uniformly random subset of size round(fraction * n). ``m`` models are fitted on random
subsets (one boolean membership matrix of shape (m, n)); every per-example difference is then two
matrix products of that matrix with the 0/1 correctness matrix, not a loop over examples.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from joblib import Parallel, delayed
from scipy.special import gammaln

from .. import seeds
from . import lira


def subset_size(n: int, fraction: float) -> int:
    """round(fraction * n), at least 1 and at most n - 1 (both sides of every comparison can occur)."""
    return int(min(max(round(fraction * n), 1), n - 1))


def subset_masks(n: int, models: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean membership matrix (models, n): row r holds a uniform subset of size round(fraction n)."""
    k = subset_size(n, fraction)
    order = np.argsort(rng.random((models, n)), axis=1)[:, :k]  # a uniform k-subset per row
    masks = np.zeros((models, n), dtype=bool)
    np.put_along_axis(masks, order, True, axis=1)
    return masks


def _heads(estimator, X: np.ndarray) -> dict[str, np.ndarray]:
    """Predictions of each head: ``predict_heads`` (several outputs of one fit) or ``predict``."""
    if hasattr(estimator, "predict_heads"):
        return estimator.predict_heads(X)
    return {"model": estimator.predict(X)}


def fit_quietly(make: Callable, X, y, random_state: int):
    """``make(random_state).fit(X, y)`` on one BLAS thread (the caller's processes are the parallelism),
    its warnings recorded rather than shown. Returns (estimator, whether it warned it had not converged)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = make(random_state).fit(X, y)
    return est, any("converge" in str(w.message).lower() for w in caught)


def _fit_one(make: Callable, X, y, X_test, y_test, mask, random_state: int, signal: bool):
    from threadpoolctl import threadpool_limits

    est, unconverged = fit_quietly(make, X[mask], y[mask], random_state)
    with threadpool_limits(1):
        train = _heads(est, X)
        test = _heads(est, X_test) if len(X_test) else {h: y_test[:0] for h in train}  # no test set (the CLI)
        sig = lira.signal(est.predict_proba(X), est.classes_, y) if signal else None
    if sig is not None:
        sig = tuple(a.astype(np.float32) for a in sig)
    return {h: (train[h] == y, test[h] == y_test) for h in train}, unconverged, sig


class Fits(NamedTuple):
    """The subset fits: {head: (correct_train (m, n), correct_test (m, n_test))}, the seconds they took,
    how many warned they had not converged, and (on request) each fit's signal on every training
    example: {"p": the label's probability, "phi": its logit (:func:`memtrade.memscore.lira.signal`)},
    float32 (m, n) matrices, else None."""

    heads: dict
    seconds: float
    unconverged: int
    signal: dict | None


def fit_subsets(
    make: Callable,
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    masks: np.ndarray,
    seed: int,
    names: tuple,
    n_jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    signal: bool = False,
) -> Fits:
    """Fit ``make(random_state)`` on every subset row of ``masks``, in parallel on ``n_jobs`` processes.

    Returns :class:`Fits`; with ``signal``, one ``predict_proba`` per fit on the training examples
    gives each fit's probability and logit of every example's label. Model r's ``random_state`` is
    the stream (seed, *names, r) (:mod:`memtrade.seeds`), so the result does not depend on ``n_jobs``.
    """
    m = len(masks)
    states = [seeds.integer(seed, *names, r) for r in range(m)]
    start = time.perf_counter()
    batch = max(1, min(50, m // 10))
    results = []
    parallel = Parallel(n_jobs=n_jobs, return_as="generator", batch_size="auto")
    for b0 in range(0, m, batch):
        chunk = range(b0, min(m, b0 + batch))
        results += list(
            parallel(delayed(_fit_one)(make, X, y, X_test, y_test, masks[r], states[r], signal) for r in chunk)
        )
        if progress:
            done = len(results)
            progress(f"{done}/{m} models fitted, {time.perf_counter() - start:.1f} s")
    seconds = time.perf_counter() - start
    heads = results[0][0].keys()
    out = {h: (np.stack([r[h][0] for r, _, _ in results]), np.stack([r[h][1] for r, _, _ in results])) for h in heads}
    sig = {k: np.stack([s[i] for _, _, s in results]) for i, k in enumerate(("p", "phi"))} if signal else None
    return Fits(out, seconds, sum(u for _, u, _ in results), sig)


def _split_means(masks: np.ndarray, correct: np.ndarray):
    """Per-column means and variances of ``correct`` over the rows where each example is in / out.

    masks (m, n) bool; correct (m, p) 0/1. Returns (p_in, p_out, n_in, n_out) of shape (n, p) / (n,).
    """
    inside = masks.astype(np.float64)
    outside = 1.0 - inside
    c = correct.astype(np.float64)
    n_in, n_out = inside.sum(0), outside.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_in = (inside.T @ c) / n_in[:, None]
        p_out = (outside.T @ c) / n_out[:, None]
    return p_in, p_out, n_in, n_out


def _se(p_in, p_out, n_in, n_out):
    """Standard error of a difference of two sample means of 0/1 outcomes (unbiased variances)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        v_in = p_in * (1 - p_in) / (n_in[:, None] - 1)
        v_out = p_out * (1 - p_out) / (n_out[:, None] - 1)
    return np.sqrt(v_in + v_out)


def memorization(masks: np.ndarray, correct_train: np.ndarray) -> dict[str, np.ndarray]:
    """Per-example memorization estimate and its standard error, from the diagonal of the split means.

    An example in (or out of) fewer than 2 subsets has no standard error: NaN there (too few models;
    ``n_in`` and ``n_out`` say which). The command line refuses such a model count before fitting.
    """
    inside = masks.astype(np.float64)
    c = correct_train.astype(np.float64)
    n_in, n_out = inside.sum(0), (1.0 - inside).sum(0)
    ok = (n_in >= 2) & (n_out >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_in = np.where(ok, (inside * c).sum(0) / n_in, np.nan)
        p_out = np.where(ok, ((1.0 - inside) * c).sum(0) / n_out, np.nan)
    se = _se(p_in[:, None], p_out[:, None], n_in, n_out)[:, 0]
    return {"mem": p_in - p_out, "mem_se": se, "p_in": p_in, "p_out": p_out, "n_in": n_in, "n_out": n_out}


def memorization_interval(est: dict, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval (1998, method 10) of mem = p_in − p_out from :func:`memorization`'s
    counts: Wilson intervals of each rate combined. Unlike ``mem ± z·mem_se``, it has positive width
    when both rates are 0 or 1 (then ``mem_se`` is 0). NaN where the estimate is."""
    from ..intervals import wilson

    p1, p2 = est["p_in"], est["p_out"]
    l1, u1 = wilson(p1 * est["n_in"], est["n_in"], level)
    l2, u2 = wilson(p2 * est["n_out"], est["n_out"], level)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def influence(masks: np.ndarray, correct_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Influence of every training example on every test example, (n, n_test), and its standard error."""
    p_in, p_out, n_in, n_out = _split_means(masks, correct_test)
    return p_in - p_out, _se(p_in, p_out, n_in, n_out)


def knn1_exact(X: np.ndarray, y: np.ndarray, fraction: float) -> np.ndarray:
    """Exact memorization of 1-NN under the estimator's subsampling, for every training example.

    With i in the subset, 1-NN predicts x_i's own label (distance 0; duplicated points are not
    handled and get NaN). Given i out, the subset is a uniform k-subset of the other n - 1 points,
    and the r-th nearest other point is the nearest chosen one with probability
    C(n - 1 - r, k - 1) / C(n - 1, k). So mem_i = 1 - sum_r [y_(r) = y_i] C(n-1-r, k-1) / C(n-1, k).
    Where two other points at the same distance carry different labels among the ranks that hold
    all but 1e-12 of the weight, the fitted 1-NN's choice is an implementation detail: NaN there,
    as for a point with an exact duplicate.
    """
    n = len(X)
    k = subset_size(n, fraction)
    sq = (X * X).sum(1)
    dist = sq[:, None] + sq[None, :] - 2.0 * X @ X.T
    np.fill_diagonal(dist, np.inf)
    order = np.argsort(dist, axis=1, kind="stable")[:, : n - 1]
    r = np.arange(1, n)
    with np.errstate(invalid="ignore"):
        logw = gammaln(n - r) - gammaln(k) - gammaln(n - r - k + 1) - (gammaln(n) - gammaln(k + 1) - gammaln(n - k))
    w = np.where(n - 1 - r >= k - 1, np.exp(logw), 0.0)
    same = y[order] == y[:, None]
    mem = np.clip(1.0 - same.astype(np.float64) @ w, 0.0, 1.0)  # the weights sum to 1 up to rounding
    dup = np.isclose(dist.min(axis=1), 0.0)
    depth = min(n - 1, int(np.searchsorted(np.cumsum(w), 1.0 - 1e-12)) + 2)
    d_sorted = np.take_along_axis(dist, order[:, :depth], axis=1)
    labels = y[order[:, :depth]]
    tied = (np.isclose(d_sorted[:, 1:], d_sorted[:, :-1]) & (labels[:, 1:] != labels[:, :-1])).any(axis=1)
    return np.where(dup | tied, np.nan, mem)


def precision_at(scores: np.ndarray, truth: np.ndarray, k: int) -> tuple[float, float]:
    """Precision and recall of the k top-scored examples (ties broken by index) at finding ``truth``."""
    top = np.argsort(-scores, kind="stable")[:k]
    hits = int(truth[top].sum())
    return hits / k, hits / max(int(truth.sum()), 1)


class Factory:
    """``Factory(path, params)(random_state)``: a fresh estimator of class ``module.Class``.

    ``random_state`` is passed when the class takes one and ``params`` does not fix it. With
    ``scale``, each fit is a pipeline that first standardises the features on its own subset.
    Checked on construction (:func:`memtrade.estimators.check_estimator`; a regressor is
    refused): ValueError naming the problem. A class, not a closure, so that joblib can send it
    to worker processes.
    """

    def __init__(self, path: str, params: dict | None = None, scale: bool = False):
        from sklearn.base import is_regressor

        from ..estimators import check_estimator

        self.path, self.params, self.scale = path, dict(params or {}), scale
        self.cls = check_estimator(path, self.params, need_scores=False)
        instance = self.cls(**self.params)
        if is_regressor(instance):
            raise ValueError(f"estimator {path!r} is a regressor: memorization scores need a classifier")
        defaults = instance.get_params()
        #: whether the fits give class probabilities (the membership-inference signal)
        self.proba = hasattr(instance, "predict_proba")
        self.seeded = "random_state" in defaults and "random_state" not in self.params
        from sklearn.neighbors import KNeighborsClassifier

        #: a Euclidean 1-NN classifier on the raw features, whose memorization :func:`knn1_exact` gives exactly
        self.one_nn = (
            not scale
            and issubclass(self.cls, KNeighborsClassifier)
            and defaults.get("n_neighbors") == 1
            and defaults.get("metric") == "minkowski"
            and defaults.get("p") == 2
        )

    def __call__(self, random_state: int):
        params = dict(self.params)
        if self.seeded:
            params["random_state"] = int(random_state)
        if self.scale:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(StandardScaler(), self.cls(**params))
        return self.cls(**params)


class RetroFactory:
    """A :class:`~memtrade.memscore.retro.RetroClassifier` around ``base(random_state)``; the batch form's
    partition is drawn from ``random_state`` too."""

    def __init__(
        self,
        base: Factory,
        topk: int,
        lam: float,
        beta: float,
        temperature: float,
        form: str = "example",
        batch: int = 8,
        normalise: bool = False,
    ):
        self.base, self.settings = base, {"topk": topk, "lam": lam, "beta": beta, "temperature": temperature}
        self.settings |= {"form": form, "batch": batch, "normalise": normalise}

    def __call__(self, random_state: int):
        from .retro import RetroClassifier

        return RetroClassifier(self.base(random_state), **self.settings, random_state=int(random_state))
