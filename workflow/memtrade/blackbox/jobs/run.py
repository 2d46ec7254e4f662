"""Job blackbox_run: train every black-box learner on every problem, seed and n, save the models,
attack them (one process for the study: its fits are small, and a process per learner spent more
on its start-up than on its fits)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...datasets import load_dataset
from ...io import write_csv
from ...problems import make_problem
from ..attack import run_learner, save_models


def run(job, log) -> None:
    """Each (problem, learner) pair in turn, on every seed's dataset: train on each n, attack,
    collect the statistics; one statistics file and one models file per pair, as listed in
    ``job.params.pairs``."""
    p = job.params
    by_problem: dict[str, list[str]] = {}
    for path in job.input.data:
        by_problem.setdefault(Path(path).parent.name, []).append(path)
    for (name, learner), stats_path, models_path in zip(p.pairs, job.output.stats, job.output.models, strict=True):
        problem = make_problem(name, p.problems[name]["d"], p.problems[name])
        frames, models = [], {}
        for path in by_problem[name]:
            index = int(Path(path).stem.removeprefix("seed"))
            models[index], stats = run_learner(
                problem, p.learners[f"{name}/{learner}"], load_dataset(path), p.n, p.seed, learner, index
            )
            frames.append(stats)
        write_csv(pd.concat(frames, ignore_index=True), stats_path)
        save_models(models_path, models)
        log.info("%s: trained and attacked %s on %d seeds", name, learner, len(frames))
