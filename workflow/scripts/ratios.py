"""Rule ratios: per (problem, d, n), the best learner at the target over the bound at matched error."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.aggregate import ratio_table
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
table = ratio_table(pd.concat([pd.read_csv(p) for p in snakemake.input.best], ignore_index=True))
write_csv(table, snakemake.output[0])
log.info("wrote %d rows", len(table))
