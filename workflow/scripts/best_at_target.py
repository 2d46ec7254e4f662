"""Rule best_at_target: least memorization per learner that reaches the target error."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.aggregate import best_at_target
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
targets = pd.read_csv(snakemake.input.targets)[["problem", "d", "target_error"]]
best = best_at_target(pd.read_csv(snakemake.input.table), targets)
write_csv(best, snakemake.output[0])
log.info("wrote %d rows", len(best))
