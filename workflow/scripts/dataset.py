"""Rule dataset: one generated dataset per seed, with a JSON sidecar of its seed stream and parameters."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade import seeds
from memtrade.datasets import blackbox_stream, problem_dataset, save_dataset, stream_meta
from memtrade.io import open_log
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
p, name = snakemake.params, snakemake.wildcards.blackbox_problem
problem = make_problem(name, p.problem["d"], p.problem)
for path in snakemake.output.data:
    stream = blackbox_stream(name, int(Path(path).stem.removeprefix("seed")))
    data = problem_dataset(problem, p.n_max, p.n_test, seeds.generator(p.seed, *stream))
    meta = {"problem": name, "d": problem.d, "c": problem.c, problem.scale_name: problem.scale}
    meta.update(n_train=p.n_max, n_test=p.n_test, **stream_meta(p.seed, stream))
    save_dataset(path, data, meta)
    log.info("wrote %s", path)
