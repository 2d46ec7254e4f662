"""Rule memscore_dataset: one dataset of the memorization-score stage, with its ground truth."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.datasets import save_dataset
from memtrade.io import open_log
from memtrade.memscore import data

log = open_log(snakemake.log[0])
name = snakemake.wildcards.ms_dataset
arrays = data.make(name, snakemake.params.seed, snakemake.params.settings)
meta = {"dataset": name, "seed": snakemake.params.seed, "settings": snakemake.params.settings}
save_dataset(snakemake.output[0], arrays, meta)
log.info("%s: %d train, %d test, %d flipped", name, len(arrays["y"]), len(arrays["y_test"]), arrays["flipped"].sum())
