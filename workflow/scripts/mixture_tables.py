"""Rule mixture_tables: combine the priors, pick the best threshold at the target, check the bound."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.mixture import best_at_target, check_invariant

log = open_log(snakemake.log[0])
inp = snakemake.input
trade = pd.concat([pd.read_csv(f) for f in inp.trade], ignore_index=True)
check_invariant(trade)
write_csv(trade, snakemake.output.trade)
write_csv(pd.concat([pd.read_csv(f) for f in inp.by_count], ignore_index=True), snakemake.output.by_count)
write_csv(pd.concat([pd.read_csv(f) for f in inp.feldman], ignore_index=True), snakemake.output.feldman)
write_csv(best_at_target(trade, snakemake.params.target_slack), snakemake.output.best)
log.info("wrote mixture tables; memorization >= bound on every row and every simulated count vector")
