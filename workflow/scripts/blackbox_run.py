"""Rule blackbox_run: train one learner on every seed and n, save the models, attack them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.blackbox import load_dataset, run_learner, save_models
from memtrade.io import open_log, write_csv
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
p, wc = snakemake.params, snakemake.wildcards
problem = make_problem(wc.bproblem, p.problem["d"], p.problem)
frames, models = [], {}
for path in snakemake.input.data:
    seed = int(Path(path).stem.removeprefix("seed"))
    models[seed], stats = run_learner(problem, p.learner["kind"], p.learner, load_dataset(path), p.n, seed)
    frames.append(stats)
write_csv(pd.concat(frames, ignore_index=True), snakemake.output.stats)
save_models(snakemake.output.models, models)
log.info("trained and attacked %s on %d seeds", wc.blearner, len(frames))
