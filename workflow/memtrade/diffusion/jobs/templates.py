"""Job diffusion_templates: the colored templates and FB-Mem, one seed."""

from __future__ import annotations

from ...io import write_csv, write_npz
from ..experiment import templates_run


def run(job, log) -> None:
    """The colored templates and FB-Mem, one seed."""
    models, fb, gallery = templates_run(job.params.settings, job.params.seed, [int(job.wildcards.diff_seed)])
    write_csv(models, job.output.models)
    write_csv(fb, job.output.fbmem)
    write_npz(gallery, job.output.gallery)
    log.info("%d template models; FB-Mem rows %d", len(models), len(fb))
