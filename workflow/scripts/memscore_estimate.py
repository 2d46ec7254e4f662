"""Rule memscore_estimate: Feldman & Zhang's memorization and influence of one learner on one dataset."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.datasets import load_dataset
from memtrade.io import open_log, write_csv
from memtrade.memscore import experiments
from memtrade.memscore.estimator import Factory

log = open_log(snakemake.log[0])
p = snakemake.params
dataset, learner = snakemake.wildcards.ms_dataset, snakemake.wildcards.ms_learner
data = load_dataset(snakemake.input.data)
factory = Factory(p.spec["estimator"], p.spec["params"])
masks, heads, seconds, unconverged = experiments.estimate(
    data, factory, p.models, p.fraction, p.seed, ("memscore", dataset, learner), snakemake.threads, log.info
)
table = experiments.scores(data, masks, heads, dataset, learner, exact_knn=factory.one_nn, fraction=p.fraction)
write_csv(table, snakemake.output.scores)
write_csv(experiments.summary(table, heads, p.fraction, p.threshold, unconverged), snakemake.output.summary)
pairs = experiments.influence_pairs(data, masks, heads["model"][1], p.pairs, dataset, learner)
write_csv(pairs, snakemake.output.pairs)
log.info(
    "%s on %s: %d models in %.1f s (%.1f models/s), %d unconverged",
    learner,
    dataset,
    p.models,
    seconds,
    p.models / seconds,
    unconverged,
)
