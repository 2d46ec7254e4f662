"""Job memscore_estimate: Feldman & Zhang's memorization and influence of one learner on one dataset, and
membership inference (LiRA online and offline, the loss attack) from the same fits."""

from __future__ import annotations

import time

import pandas as pd

from ...datasets import load_dataset
from ...io import write_csv
from .. import experiments, lira
from ..estimator import Factory

# the attacks summary's columns (memscore_attacks.csv); a learner without predict_proba writes none
ATTACK_COLUMNS = ["dataset", "learner", "attack", "auc", *lira.FPRS, "targets", "nonmember_pairs", "variance"]


def membership(data, masks, phi, dataset, learner):
    """The membership tables of one (dataset, learner): per example, per attack, the ROC points."""
    per, attacks, roc = experiments.membership(data, masks, phi, dataset, learner)
    attacks["nonmember_pairs"] = int((~masks).sum())  # every (example, target fit) pair without the example
    attacks["variance"] = "per_example" if lira.per_example_variance(masks) else "global"
    return per, attacks[ATTACK_COLUMNS], roc


def run(job, log) -> None:
    """Feldman & Zhang's memorization and influence of one learner on one dataset, and membership inference."""
    p = job.params
    dataset, learner = job.wildcards.ms_dataset, job.wildcards.ms_learner
    data = load_dataset(job.input.data)
    factory = Factory(p.spec["estimator"], p.spec["params"])
    masks, fits = experiments.estimate(
        data,
        factory,
        p.models,
        p.fraction,
        p.seed,
        ("memscore", dataset, learner),
        job.threads,
        log.info,
        signal=factory.proba,
    )
    heads, seconds, unconverged = fits.heads, fits.seconds, fits.unconverged
    table = experiments.scores(data, masks, heads, dataset, learner, exact_knn=factory.one_nn, fraction=p.fraction)
    write_csv(table, job.output.scores)
    write_csv(experiments.summary(table, heads, p.fraction, p.threshold, unconverged), job.output.summary)
    pairs = experiments.influence_pairs(data, masks, heads["model"][1], p.pairs, dataset, learner)
    write_csv(pairs, job.output.pairs)
    log.info(
        "%s on %s: %d models in %.1f s (%.1f models/s), %d unconverged",
        learner,
        dataset,
        p.models,
        seconds,
        p.models / seconds,
        unconverged,
    )
    start = time.perf_counter()
    if fits.signal is None:  # no predict_proba: no signal to attack (header-only tables)
        per = pd.DataFrame(columns=["dataset", "learner", "index"])
        attacks, roc = pd.DataFrame(columns=ATTACK_COLUMNS), pd.DataFrame(columns=["dataset", "learner", "attack"])
        log.info("%s has no predict_proba: no membership inference", learner)
    else:
        per, attacks, roc = membership(data, masks, fits.signal["phi"], dataset, learner)
        for r in attacks.itertuples():
            log.info("%s: AUC %.3f, TPR %.4f at 1 %% FPR", r.attack, r.auc, r.tpr_at_1pct_fpr)
    write_csv(per, job.output.membership)
    write_csv(attacks, job.output.attacks)
    write_csv(roc, job.output.roc)
    log.info("membership inference in %.2f s", time.perf_counter() - start)
