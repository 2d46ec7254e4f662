"""Job mixture_prior: the trade-off over thresholds, the bound by cluster count and Feldman's
prediction under one frequency prior."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from ..tradeoff import prior_tables


def run(job, log) -> None:
    """The three tables of prior ``job.wildcards.prior``."""
    p = job.params
    trade, by_count, feldman = prior_tables(
        job.wildcards.prior,
        p.prior,
        p.K,
        p.n,
        p.thresholds,
        pd.read_csv(job.input.curves),
        p.seed,
        p.monte_carlo["count_vectors"],
        p.monte_carlo["frequency_draws"],
    )
    write_csv(trade, job.output.trade)
    write_csv(by_count, job.output.by_count)
    write_csv(feldman, job.output.feldman)
    log.info("wrote %d trade-off rows", len(trade))
