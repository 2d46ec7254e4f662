"""Rule brown_dataset: one Brown et al. dataset per seed for one protocol, with a JSON sidecar."""

import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.blackbox import save_dataset
from memtrade.brown import make_dataset
from memtrade.io import open_log

log = open_log(snakemake.log[0])
cfg, protocol = snakemake.params.data, snakemake.params.protocol
name = snakemake.wildcards.bprotocol
for path in snakemake.output.data:
    index = int(Path(path).stem.removeprefix("seed"))
    seed = [int(snakemake.params.seed), 99, index, zlib.crc32(name.encode())]
    data = make_dataset(cfg, protocol, seed)
    meta = {**cfg, "protocol": name, **protocol, "rho": float(data["rho"][0]), "seed_sequence": seed}
    meta["singletons"] = int(data["singleton"].sum())
    save_dataset(path, data, meta)
    log.info("wrote %s (%d singletons)", path, meta["singletons"])
