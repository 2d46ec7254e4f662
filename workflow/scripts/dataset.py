"""Rule dataset: one generated dataset per seed, with a JSON sidecar of its seed and parameters."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.blackbox import make_dataset, save_dataset
from memtrade.io import open_log
from memtrade.problems import PROBLEMS, make_problem

log = open_log(snakemake.log[0])
p, name = snakemake.params, snakemake.wildcards.bproblem
problem = make_problem(name, p.problem["d"], p.problem)
for path in snakemake.output.data:
    index = int(Path(path).stem.removeprefix("seed"))
    seed = [int(p.seed), list(PROBLEMS).index(name), index]  # numpy SeedSequence entropy
    data = make_dataset(problem, p.n_max, p.n_test, seed)
    meta = {
        "problem": name,
        "d": problem.d,
        "c": problem.c,
        problem.scale_name: problem.scale,
        "n_train": p.n_max,
        "n_test": p.n_test,
        "seed_sequence": seed,
    }
    save_dataset(path, data, meta)
    log.info("wrote %s", path)
