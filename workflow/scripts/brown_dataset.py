"""Rule brown_dataset: one Brown et al. dataset per seed for one protocol, with a JSON sidecar."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade import seeds
from memtrade.brown import dataset_stream, make_dataset
from memtrade.datasets import save_dataset, stream_meta
from memtrade.io import open_log

log = open_log(snakemake.log[0])
cfg, protocol, seed = snakemake.params.data, snakemake.params.protocol, snakemake.params.seed
name = snakemake.wildcards.brown_protocol
for path in snakemake.output.data:
    stream = dataset_stream(name, int(Path(path).stem.removeprefix("seed")))
    data = make_dataset(cfg, protocol, seeds.generator(seed, *stream))
    meta = {**cfg, "protocol": name, **protocol, "rho": float(data["rho"][0]), **stream_meta(seed, stream)}
    meta["singletons"] = int(data["singleton"].sum())
    save_dataset(path, data, meta)
    log.info("wrote %s (%d singletons)", path, meta["singletons"])
