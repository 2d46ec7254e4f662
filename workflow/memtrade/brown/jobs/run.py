"""Job brown_run: train one model on a group of seeds; errors along training and query-only attacks
on singletons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from ...datasets import load_dataset
from ...io import write_csv
from ..experiment import train_and_attack


def run(job, log) -> None:
    """Each seed of the group in turn, on ``blas_threads`` BLAS threads."""
    wc, mcfg = job.wildcards, job.params.model
    frames = []
    with threadpool_limits(int(job.params.blas_threads)):
        for path in job.input.data:
            index = int(Path(path).stem.removeprefix("seed"))
            stream = ("brown", wc.brown_protocol, wc.brown_model, index)
            stats = train_and_attack(mcfg, load_dataset(path), job.params.seed, stream)
            stats.insert(0, "seed", index)
            stats.insert(0, "attack", mcfg["attack"])
            stats.insert(0, "model", wc.brown_model)
            stats.insert(0, "protocol", wc.brown_protocol)
            frames.append(stats)
            log.info("seed %d done", index)
    write_csv(pd.concat(frames, ignore_index=True), job.output[0])
