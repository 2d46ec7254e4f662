"""Job memscore_estimate: Feldman & Zhang's memorization and influence of one learner on one dataset."""

from __future__ import annotations

from ...datasets import load_dataset
from ...io import write_csv
from .. import experiments
from ..estimator import Factory


def run(job, log) -> None:
    """Feldman & Zhang's memorization and influence of one learner on one dataset."""
    p = job.params
    dataset, learner = job.wildcards.ms_dataset, job.wildcards.ms_learner
    data = load_dataset(job.input.data)
    factory = Factory(p.spec["estimator"], p.spec["params"])
    masks, fits = experiments.estimate(
        data, factory, p.models, p.fraction, p.seed, ("memscore", dataset, learner), job.threads, log.info
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
