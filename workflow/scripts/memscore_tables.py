"""Rule memscore_tables: the memorization-score stage's tidy tables (docs/outputs.md)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.memscore import experiments

log = open_log(snakemake.log[0])
inp, out = snakemake.input, snakemake.output


def concat(paths):
    return pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)


scores = concat(inp.scores)
retro_scores = concat(inp.retro_scores)
write_csv(scores, out.scores)
write_csv(concat(inp.summary), out.summary)
write_csv(experiments.by_frequency(pd.concat([scores, retro_scores], ignore_index=True)), out.by_frequency)
write_csv(concat(inp.pairs), out.influence)
runs = concat(inp.removal)
write_csv(runs, out.removal_runs)
write_csv(experiments.removal_summary(runs, snakemake.params.level), out.removal)
write_csv(concat(inp.retro), out.retro)
log.info("wrote %d memorization-score tables", len(out))
