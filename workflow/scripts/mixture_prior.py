"""Rule mixture_prior: the mixture tables of one frequency prior."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.mixture import prior_tables

log = open_log(snakemake.log[0])
p = snakemake.params
trade, by_count, feldman = prior_tables(
    snakemake.wildcards.prior,
    p.prior,
    p.K,
    p.n,
    p.thresholds,
    pd.read_csv(snakemake.input.curves),
    p.seed,
    p.monte_carlo["count_vectors"],
    p.monte_carlo["frequency_draws"],
)
write_csv(trade, snakemake.output.trade)
write_csv(by_count, snakemake.output.by_count)
write_csv(feldman, snakemake.output.feldman)
log.info("wrote %d trade-off rows", len(trade))
