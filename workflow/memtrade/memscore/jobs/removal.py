"""Job memscore_removal: test accuracy after removing top-memorized against random training digits."""

from __future__ import annotations

import pandas as pd

from ...datasets import load_dataset
from ...io import write_csv
from .. import experiments
from ..estimator import Factory


def run(job, log) -> None:
    """Test accuracy after removing top-memorized against random training digits."""
    p = job.params
    learner = job.wildcards.ms_learner
    data = load_dataset(job.input.data)
    scores = pd.read_csv(job.input.scores)
    mem = scores[scores["head"] == "model"].sort_values("index")["mem"].to_numpy()
    factory = Factory(p.spec["estimator"], p.spec["params"])
    rows = experiments.removal(data, mem, factory, p.k, p.seeds, p.seed, ("memscore", "removal", learner), job.threads)
    write_csv(rows.assign(learner=learner)[["learner", "k", "seed", "removed", "test_accuracy"]], job.output[0])
    log.info("removal for %s: %d fits", learner, len(rows))
