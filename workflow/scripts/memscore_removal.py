"""Rule memscore_removal: test accuracy after removing top-memorized against random training digits."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.datasets import load_dataset
from memtrade.io import open_log, write_csv
from memtrade.memscore import experiments
from memtrade.memscore.estimator import Factory

log = open_log(snakemake.log[0])
p = snakemake.params
learner = snakemake.wildcards.ms_learner
data = load_dataset(snakemake.input.data)
scores = pd.read_csv(snakemake.input.scores)
mem = scores[scores["head"] == "model"].sort_values("index")["mem"].to_numpy()
factory = Factory(p.spec["estimator"], p.spec["params"])
rows = experiments.removal(
    data, mem, factory, p.k, p.seeds, p.seed, ("memscore", "removal", learner), snakemake.threads
)
write_csv(rows.assign(learner=learner)[["learner", "k", "seed", "removed", "test_accuracy"]], snakemake.output[0])
log.info("removal for %s: %d fits", learner, len(rows))
