"""Job memscore_retro: the parametric model alone against the same with RetroPrompt's kNN datastore."""

from __future__ import annotations

from ...datasets import load_dataset
from ...io import write_csv
from .. import experiments
from ..estimator import Factory, RetroFactory


def run(job, log) -> None:
    """The parametric model alone against the same with RetroPrompt's kNN datastore."""
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
