"""Job brown_dataset: Brown et al.'s datasets of one protocol, one file per seed (with JSON sidecars)."""

from __future__ import annotations

from pathlib import Path

from ... import seeds
from ...datasets import save_dataset, stream_meta
from ..experiment import dataset_stream, make_dataset


def run(job, log) -> None:
    """One dataset per output file, each from its own seed stream."""
    cfg, protocol, seed = job.params.data, job.params.protocol, job.params.seed
    name = job.wildcards.brown_protocol
    for path in job.output.data:
        stream = dataset_stream(name, int(Path(path).stem.removeprefix("seed")))
        data = make_dataset(cfg, protocol, seeds.generator(seed, *stream))
        meta = {**cfg, "protocol": name, **protocol, "rho": float(data["rho"][0]), **stream_meta(seed, stream)}
        meta["singletons"] = int(data["singleton"].sum())
        save_dataset(path, data, meta)
        log.info("wrote %s (%d singletons)", path, meta["singletons"])
