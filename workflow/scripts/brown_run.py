"""Rule brown_run: one model family on every seed, evaluated and attacked along training."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.blackbox import load_dataset
from memtrade.brown import run
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
model = snakemake.wildcards.bmodel
frames = []
for path in snakemake.input.data:
    index = int(Path(path).stem.removeprefix("seed"))
    stats = run(model, load_dataset(path), snakemake.params.brown, [int(snakemake.params.seed), 98, index])
    stats.insert(0, "seed", index)
    stats.insert(0, "model", model)
    frames.append(stats)
    log.info("seed %d done", index)
write_csv(pd.concat(frames, ignore_index=True), snakemake.output[0])
