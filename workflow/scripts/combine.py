"""Rule combine: every problem's memorization table in one."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
table = pd.concat([pd.read_csv(p) for p in snakemake.input.tables], ignore_index=True)
write_csv(table, snakemake.output[0])
log.info("wrote %d rows", len(table))
