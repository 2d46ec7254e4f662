"""Job blackbox_tables: certified memorization per (n, learner) with bootstrap intervals, per
problem; fails if a certified bound exceeds the natural learner's exact memorization."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from ...problems import make_problem
from ..certify import blackbox_table


def run(job, log) -> None:
    """One table per configured problem."""
    p = job.params
    for name, section in p.problems.items():
        problem = make_problem(name, section["d"], section)
        learners = p.learners[name]
        stats = {learner: pd.read_csv(path) for learner, path in zip(learners, job.input[name], strict=True)}
        table = blackbox_table(problem, stats, p.bootstrap, p.seed)
        write_csv(table, job.output[f"blackbox_{name}"])
        log.info("%s: %d rows; every certified bound <= the natural learner's exact memorization", name, len(table))
