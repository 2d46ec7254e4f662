"""Rule blackbox_table: certified memorization per (n, learner); exact references must not be exceeded."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.blackbox.certify import blackbox_table
from memtrade.io import open_log, write_csv
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
p, wc = snakemake.params, snakemake.wildcards
problem = make_problem(wc.blackbox_problem, p.problem["d"], p.problem)
stats = {learner: pd.read_csv(path) for learner, path in zip(p.learners, snakemake.input.stats, strict=True)}
table = blackbox_table(problem, stats, p.bootstrap, p.seed)
write_csv(table, snakemake.output[0])
log.info("wrote %d rows; every certified bound <= the exact memorization of the natural learner", len(table))
