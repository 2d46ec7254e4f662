"""Job memscore_dataset: one dataset of the memorization-score stage, with its ground truth."""

from __future__ import annotations

from ...datasets import save_dataset
from .. import data


def run(job, log) -> None:
    """One dataset of the memorization-score stage, with its ground truth."""
    name = job.wildcards.ms_dataset
    arrays = data.make(name, job.params.seed, job.params.settings)
    meta = {"dataset": name, "seed": job.params.seed, "settings": job.params.settings}
    save_dataset(job.output[0], arrays, meta)
    log.info(
        "%s: %d train, %d test, %d flipped", name, len(arrays["y"]), len(arrays["y_test"]), arrays["flipped"].sum()
    )
