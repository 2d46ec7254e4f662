"""Rule ratios: per (problem, d, n), the best learner at the target over the bound at matched error."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.aggregate import ratio_table, tightness_table
from memtrade.io import open_log, write_csv
from memtrade.learners import NOISE_KEYS

log = open_log(snakemake.log[0])
best = pd.concat([pd.read_csv(p) for p in snakemake.input.best], ignore_index=True)
table = ratio_table(best)
write_csv(table, snakemake.output.ratios)
write_csv(tightness_table(best, NOISE_KEYS), snakemake.output.tightness)
log.info("wrote %d rows", len(table))
