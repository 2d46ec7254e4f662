"""Rule table: join exact results with SDPI constants; fail on any bound violation."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.aggregate import check_invariant, memorization_table
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
table = memorization_table((pd.read_csv(p) for p in snakemake.input.exact), pd.read_csv(snakemake.input.sdpi))
check_invariant(table)
write_csv(table, snakemake.output[0])
log.info("wrote %d rows; memorization >= lower bound on every row", len(table))
