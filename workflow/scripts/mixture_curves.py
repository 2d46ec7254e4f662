"""Rule mixture_curves: exact per-cluster values for every count m."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.io import open_log, write_csv
from memtrade.mixture import cluster_curves
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
params = snakemake.params
problem = make_problem(params.problem, params.problem_params["d"], params.problem_params)
curves = cluster_curves(problem, params.k_fraction, params.m_max)
write_csv(curves, snakemake.output[0])
log.info("wrote %d rows", len(curves))
