"""Rule brown_dataset: one Brown et al. dataset per seed, with a JSON sidecar."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.blackbox import save_dataset
from memtrade.brown import make_dataset
from memtrade.io import open_log

log = open_log(snakemake.log[0])
cfg = snakemake.params.brown
for path in snakemake.output.data:
    index = int(Path(path).stem.removeprefix("seed"))
    seed = [int(snakemake.params.seed), 99, index]
    data = make_dataset(cfg, seed)
    meta = {k: cfg[k] for k in ("n", "d", "K", "a", "classes", "zipf", "test_per_subpop")}
    meta.update({"r": float(data["r"][0]), "seed_sequence": seed, "singletons": int(data["singleton"].sum())})
    save_dataset(path, data, meta)
    log.info("wrote %s", path)
