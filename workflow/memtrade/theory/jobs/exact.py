"""Job exact: exact memorization and test error of one learner entry at one d, over the n grid."""

from __future__ import annotations

from ...exact import exact_table
from ...io import write_csv
from ...problems import make_problem


def run(job, log) -> None:
    """One (problem, learner, d) over the problem's n grid."""
    wc, p = job.wildcards, job.params
    problem = make_problem(wc.problem, int(wc.d), p.problem)
    table = exact_table(problem, p.n, wc.learner, p.learner, p.seed)
    write_csv(table, job.output[0])
    log.info("wrote %d rows to %s", len(table), job.output[0])
