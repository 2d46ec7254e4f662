"""Job sdpi: the SDPI constants tau_n, rho_n and F_n of one problem for every (d, n)."""

from __future__ import annotations

from ...io import write_csv
from ...sdpi import sdpi_table


def run(job, log) -> None:
    """The constants of problem ``job.wildcards.problem`` over its d and n grids."""
    problem = job.wildcards.problem
    if job.params.inject_failure:  # test-only config key inject_failure
        raise RuntimeError(f"injected failure for sdpi:{problem} (config key inject_failure)")
    table = sdpi_table(problem, job.params.problem, job.params.d, job.params.n)
    write_csv(table, job.output[0])
    log.info("wrote %d rows to %s", len(table), job.output[0])
