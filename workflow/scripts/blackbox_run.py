"""Rule blackbox_run: train one learner on every seed and n, save the models, attack them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.blackbox.attack import run_learner, save_models
from memtrade.datasets import load_dataset
from memtrade.io import open_log, write_csv
from memtrade.problems import make_problem

log = open_log(snakemake.log[0])
p, wc = snakemake.params, snakemake.wildcards
problem = make_problem(wc.blackbox_problem, p.problem["d"], p.problem)
frames, models = [], {}
for path in snakemake.input.data:
    index = int(Path(path).stem.removeprefix("seed"))
    models[index], stats = run_learner(problem, p.learner, load_dataset(path), p.n, p.seed, wc.blackbox_learner, index)
    frames.append(stats)
write_csv(pd.concat(frames, ignore_index=True), snakemake.output.stats)
save_models(snakemake.output.models, models)
log.info("trained and attacked %s on %d seeds", wc.blackbox_learner, len(frames))
