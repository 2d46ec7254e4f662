"""Job blackbox_run: train one black-box learner on every seed and n, save the models, attack them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...datasets import load_dataset
from ...io import write_csv
from ...problems import make_problem
from ..attack import run_learner, save_models


def run(job, log) -> None:
    """Every seed's dataset: train on each n, attack, collect the statistics."""
    p, wc = job.params, job.wildcards
    problem = make_problem(wc.blackbox_problem, p.problem["d"], p.problem)
    frames, models = [], {}
    for path in job.input.data:
        index = int(Path(path).stem.removeprefix("seed"))
        models[index], stats = run_learner(
            problem, p.learner, load_dataset(path), p.n, p.seed, wc.blackbox_learner, index
        )
        frames.append(stats)
    write_csv(pd.concat(frames, ignore_index=True), job.output.stats)
    save_models(job.output.models, models)
    log.info("trained and attacked %s on %d seeds", wc.blackbox_learner, len(frames))
