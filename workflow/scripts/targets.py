"""Rule targets: the target test error of each d."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.exact import reference_error
from memtrade.io import open_log, write_csv
from memtrade.learners import reference_learner
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
wc, params = snakemake.wildcards, snakemake.params
rows = []
for d in params.d:
    if params.target_error is None:
        problem = make_problem(wc.problem, d, params.problem)
        target, source = reference_error(problem), f"{reference_learner(problem).family} n=1 k=d"
    else:
        target, source = float(params.target_error), "config"
    rows.append({"problem": wc.problem, "d": int(d), "target_error": target, "source": source})
write_csv(pd.DataFrame(rows), snakemake.output[0])
log.info("targets: %s", rows)
