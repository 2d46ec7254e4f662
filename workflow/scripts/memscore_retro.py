"""Rule memscore_retro: the parametric model alone against the same with RetroPrompt's kNN datastore."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))


from memtrade.datasets import load_dataset
from memtrade.io import open_log, write_csv
from memtrade.memscore import experiments
from memtrade.memscore.estimator import Factory, RetroFactory

log = open_log(snakemake.log[0])
p = snakemake.params
r = p.retro
dataset = snakemake.wildcards.ms_dataset
data = load_dataset(snakemake.input.data)
base = Factory(p.spec["estimator"], p.spec["params"])
retro = RetroFactory(base, r["topk"], r["lam"], r["beta"], r["temperature"])
names = ("memscore", "retro", dataset)  # one membership matrix for both: scores are paired by example
heads = {}
for label, factory in (("parametric", base), ("retro", retro)):
    masks, fitted, seconds, unconverged = experiments.estimate(
        data, factory, r["models"], p.fraction, p.seed, names, snakemake.threads
    )
    heads.update({("parametric" if h == "model" else h): v for h, v in fitted.items()})
    log.info("%s on %s: %d models in %.1f s, %d unconverged", label, dataset, r["models"], seconds, unconverged)
table = experiments.scores(data, masks, heads, dataset, r["base"])
write_csv(table, snakemake.output.scores)
write_csv(experiments.retro_summary(data, table, heads, r["rare_share"], dataset), snakemake.output.summary)
