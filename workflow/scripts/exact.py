"""Rule exact: exact memorization and test error of one learner entry at one d."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.exact import exact_table
from memtrade.io import open_log, write_csv
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(wc.problem, int(wc.d), params.problem)
table = exact_table(problem, params.n, wc.learner, params.learner, params.seed)
write_csv(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
