"""Job diffusion_templates: the two-region colored templates and FB-Mem, every seed."""

from __future__ import annotations

from ...io import write_csv, write_npz
from ..templates import templates_run


def run(job, log) -> None:
    """The two-region colored templates and FB-Mem, every seed side by side."""
    models, fb, gallery = templates_run(job.params.settings, job.params.seed)
    write_csv(models, job.output.models)
    write_csv(fb, job.output.fbmem)
    write_npz(gallery, job.output.gallery)
    log.info("%d template models; FB-Mem rows %d", len(models), len(fb))
