"""Membership inference against one deployed model: offline LiRA with reference models (the use of ML
Privacy Meter's reference-model attack; Carlini et al. 2022's offline attack, :mod:`.lira`).

Reference models are fresh copies of the deployed model's class and hyperparameters
(``sklearn.base.clone``), each fitted on a random half of a population drawn from the same
distribution as the training data; half r is row r of a membership matrix of stream
(seed, "mia", "halves"), and its random_state, when the class takes one, comes from
(seed, "mia", "fit", r). The candidates are assumed absent from the population: every reference
model is an "out" model for every candidate. Each candidate's φ under the deployed model is then
judged against the Gaussian of its φ under the references (median and standard deviation; the
global standard deviation with fewer than :data:`~memtrade.memscore.lira.MIN_PER_SIDE` references),
one-sided: z = (φ − μ_out)/σ_out, higher meaning member. The loss attack (φ alone) is the baseline.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from .. import seeds
from . import lira
from .estimator import fit_quietly, subset_masks


class CloneFactory:
    """``CloneFactory(model)(random_state)``: an unfitted clone of ``model``, its ``random_state`` (if the
    class takes one) set to ``random_state``, so that reference models differ as independent trainings do."""

    def __init__(self, model):
        from sklearn.base import clone

        self.model = clone(model)
        self.seeded = "random_state" in self.model.get_params()

    def __call__(self, random_state: int):
        from sklearn.base import clone

        est = clone(self.model)
        return est.set_params(random_state=int(random_state)) if self.seeded else est


def _reference(make, X_pop, y_pop, X, y, mask, random_state):
    from threadpoolctl import threadpool_limits

    est, _ = fit_quietly(make, X_pop[mask], y_pop[mask], random_state)
    with threadpool_limits(1):
        return lira.signal(est.predict_proba(X), est.classes_, y)[1].astype(np.float32)


def reference_signal(model, X_pop, y_pop, X, y, references: int, seed: int, n_jobs: int = 1, progress=None):
    """φ (references, n) of the candidates (X, y) under reference models fitted on random population halves."""
    masks = subset_masks(len(y_pop), references, 0.5, seeds.generator(seed, "mia", "halves"))
    make = CloneFactory(model)
    states = [seeds.integer(seed, "mia", "fit", r) for r in range(references)]
    start = time.perf_counter()
    out = Parallel(n_jobs=n_jobs)(
        delayed(_reference)(make, X_pop, y_pop, X, y, masks[r], states[r]) for r in range(references)
    )
    if progress:
        progress(f"{references} reference models fitted, {time.perf_counter() - start:.1f} s")
    return np.stack(out)


def offline(phi: np.ndarray, phi_refs: np.ndarray, fix_variance: bool | None = None) -> dict[str, np.ndarray]:
    """Offline LiRA of each candidate: its φ under the audited model against the Gaussian of its
    reference φ's. Returns phi_out_median, phi_out_sd (the σ used) and the score z."""
    side = np.ones(phi_refs.shape, dtype=bool)
    if fix_variance is None:
        fix_variance = len(phi_refs) < lira.MIN_PER_SIDE
    stats = lira.side_stats(np.asarray(phi_refs, dtype=np.float64), side)
    sd = np.full(phi.shape, lira.global_sd(phi_refs, side, leave_out=False)) if fix_variance else stats["sd"]
    return {
        "phi_out_median": stats["med"],
        "phi_out_sd": sd,
        "lira_offline": (phi - stats["med"]) / (sd + lira.SIGMA_FLOOR),
    }


def audit(model, X_pop, y_pop, X, y, references: int, seed: int, n_jobs: int = 1, progress=None, membership=None):
    """Score every candidate (X, y) of the fitted ``model``.

    Returns (per-candidate table: index, label, p, phi, the reference Gaussian, the offline LiRA and loss
    scores, and ``member`` when ``membership`` is given; with ``membership``, the records of each
    attack's AUC and TPR at 0.1 % and 1 % FPR and the ROC table on :func:`~.lira.roc_grid`'s FPRs,
    else None, None).
    """
    p, phi = lira.signal(model.predict_proba(X), model.classes_, y)
    refs = reference_signal(model, X_pop, y_pop, X, y, references, seed, n_jobs, progress)
    table = pd.DataFrame({"index": np.arange(len(y)), "label": y, "p": p, "phi": phi, **offline(phi, refs)})
    table["loss"] = phi
    if membership is None:
        return table, None, None
    table["member"] = membership = np.asarray(membership, dtype=bool)
    records, rocs = [], []
    for name in ("lira_offline", "loss"):
        fpr, tpr, _ = lira.roc(table[name], membership)
        rec = {"attack": name, "auc": lira.auc(fpr, tpr), **{k: lira.tpr_at(fpr, tpr, v) for k, v in lira.FPRS.items()}}
        records.append({**rec, "targets": 1})
        grid, at = lira.roc_grid(fpr, tpr)
        rocs.append(pd.DataFrame({"attack": name, "fpr": grid, "tpr": at}))
    return table, records, pd.concat(rocs, ignore_index=True)
