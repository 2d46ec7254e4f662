"""Rule brown_run: one model on a chunk of seeds, evaluated and attacked along training."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd
from threadpoolctl import threadpool_limits

from memtrade.brown import train_and_attack
from memtrade.datasets import load_dataset
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
wc, mcfg = snakemake.wildcards, snakemake.params.model
frames = []
with threadpool_limits(int(snakemake.params.blas_threads)):
    for path in snakemake.input.data:
        index = int(Path(path).stem.removeprefix("seed"))
        stream = ("brown", wc.brown_protocol, wc.brown_model, index)
        stats = train_and_attack(mcfg, load_dataset(path), snakemake.params.seed, stream)
        stats.insert(0, "seed", index)
        stats.insert(0, "attack", mcfg["attack"])
        stats.insert(0, "model", wc.brown_model)
        stats.insert(0, "protocol", wc.brown_protocol)
        frames.append(stats)
        log.info("seed %d done", index)
write_csv(pd.concat(frames, ignore_index=True), snakemake.output[0])
