"""Job diffusion_point: one sweep point of Buchanan et al.'s crossover."""

from __future__ import annotations

from ...io import write_csv
from ..experiment import crossover_point


def run(job, log) -> None:
    """One sweep point of Buchanan et al.'s crossover."""
    p = job.params.point
    models, losses = crossover_point(
        job.params.settings, p["d"], p["k"], p["n"], job.params.seed, job.params.steps_factor
    )
    write_csv(models, job.output.models)
    write_csv(losses, job.output.losses)
    log.info("d=%d K=%d N=%d: %d models", p["d"], p["k"], p["n"], len(models))
