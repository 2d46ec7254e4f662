"""Job mixture_curves: exact per-cluster memorization, error, F_m and bound for every count m."""

from __future__ import annotations

from ...io import write_csv
from ...problems import make_problem
from ..tradeoff import cluster_curves


def run(job, log) -> None:
    """The curves of the section's problem up to the largest n."""
    p = job.params
    problem = make_problem(p.problem, p.problem_params["d"], p.problem_params)
    curves = cluster_curves(problem, p.k_fraction, p.m_max)
    write_csv(curves, job.output[0])
    log.info("wrote %d rows", len(curves))
