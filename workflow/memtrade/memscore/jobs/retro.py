"""Job memscore_retro: the parametric model alone against the same with RetroPrompt's kNN datastore, and
the sweep of RetroPrompt's beta values in their batch-level and the per-example form."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...datasets import load_dataset
from ...io import write_csv
from .. import experiments
from ..estimator import Factory, RetroFactory, memorization
from ..retro import own_knn_proba

SWEEP_COLUMNS = ["dataset", "learner", "form", "beta", "batch", "normalised", "models", "knn_nll_mean",
                 "knn_nll_clamped", "weight_mean_raw", "accuracy", "accuracy_parametric", "mean_mem",
                 "mean_mem_parametric", "mem_minus_parametric", "mem_minus_parametric_se"]  # fmt: skip


def sweep(data, base, r, masks, parametric, fraction, seed, names, threads, log) -> pd.DataFrame:
    """Every (form, beta) of ``r["sweep"]`` on the first ``sweep.models`` subsets of ``masks`` (the
    parametric fits ``parametric`` on those subsets are reused: same masks, same random states)."""
    s = r["sweep"]
    k = s["models"]
    base_train, base_test = parametric[0][:k], parametric[1][:k]
    base_mem = memorization(masks[:k], base_train)["mem"]
    _, idx = np.unique(data["y"], return_inverse=True)
    own, _, _ = own_knn_proba(data["X"], idx, idx.max() + 1, r["topk"], r["temperature"])  # the full training set
    nll = -np.log(own)
    rows = []
    for form in s["forms"]:
        for beta in s["betas"]:
            factory = RetroFactory(base, r["topk"], r["lam"], beta, r["temperature"], form, s["batch"], s["normalise"])
            sub, fits = experiments.estimate(data, factory, k, fraction, seed, names, threads)
            assert (sub == masks[:k]).all(), "the sweep's subsets are the comparison's first ones"
            train, test = fits.heads["retro_parametric"]
            row = experiments.retro_sweep_row(base_mem, memorization(sub, train)["mem"], base_test, test)
            rows.append(
                {
                    "form": form,
                    "beta": beta,
                    "batch": s["batch"] if form == "batch" else 1,
                    "normalised": s["normalise"],
                    "models": k,
                    "knn_nll_mean": float(nll.mean()),
                    "knn_nll_clamped": float((own <= np.exp(-100.0)).mean()),
                    "weight_mean_raw": float(1.0 + beta * nll.mean()),
                    **row,
                }
            )
            log.info("sweep %s beta %g: %+.4f (s.e. %.4f), %.1f s", form, beta, row["mem_minus_parametric"],
                     row["mem_minus_parametric_se"], fits.seconds)  # fmt: skip
    return pd.DataFrame(rows)


def run(job, log) -> None:
    """The parametric model alone against the same with RetroPrompt's kNN datastore; then the sweep."""
    p = job.params
    r = p.retro
    dataset = job.wildcards.ms_dataset
    data = load_dataset(job.input.data)
    base = Factory(p.spec["estimator"], p.spec["params"])
    retro = RetroFactory(base, r["topk"], r["lam"], r["beta"], r["temperature"])
    names = ("memscore", "retro", dataset)  # one membership matrix for both: scores are paired by example
    heads = {}
    for label, factory in (("parametric", base), ("retro", retro)):
        masks, fits = experiments.estimate(data, factory, r["models"], p.fraction, p.seed, names, job.threads)
        heads.update({("parametric" if h == "model" else h): v for h, v in fits.heads.items()})
        log.info(
            "%s on %s: %d models in %.1f s, %d unconverged", label, dataset, r["models"], fits.seconds, fits.unconverged
        )
    table = experiments.scores(data, masks, heads, dataset, r["base"])
    write_csv(table, job.output.scores)
    write_csv(experiments.retro_summary(data, table, heads, r["rare_share"], dataset), job.output.summary)
    rows = pd.DataFrame(columns=SWEEP_COLUMNS)
    if dataset in r["sweep"]["datasets"]:
        rows = sweep(data, base, r, masks, heads["parametric"], p.fraction, p.seed, names, job.threads, log)
        rows = rows.assign(dataset=dataset, learner=r["base"])[SWEEP_COLUMNS]
    write_csv(rows, job.output.sweep)
