"""Rule brown_table: summaries over seeds per (protocol, model, step)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.brown import summarize
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
stats = pd.concat([pd.read_csv(p) for p in snakemake.input.stats], ignore_index=True)
table = summarize(stats, snakemake.params.confidence)
table.insert(1, "ablation", table["protocol"].isin(snakemake.params.ablations))
write_csv(table, snakemake.output[0])
log.info("wrote %d rows", len(table))
