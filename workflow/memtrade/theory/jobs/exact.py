"""Job exact: exact memorization and test error of one learner entry of one problem, at every d of
its grid, over the n grid."""

from __future__ import annotations

import pandas as pd

from ...exact import exact_table
from ...io import write_csv
from ...problems import make_problem


def run(job, log) -> None:
    """One (problem, learner) over the problem's d and n grids, d after d."""
    wc, p = job.wildcards, job.params
    tables = []
    for d in p.d:
        tables.append(exact_table(make_problem(wc.problem, int(d), p.problem), p.n, wc.learner, p.learner, p.seed))
        log.info("d = %d: %d rows", d, len(tables[-1]))
    write_csv(pd.concat(tables, ignore_index=True), job.output[0])
