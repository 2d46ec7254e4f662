"""Job lab_audit: extraction, memorization score, perturbation and redundancy of a user's samples
under a user's GPT-2 checkpoint (config lab.audit)."""

from __future__ import annotations

from pathlib import Path

from ...io import write_csv
from ..audit import audit_checkpoint


def run(job, log) -> None:
    """Extraction, memorization score, perturbation and redundancy of a user's samples"""
    settings = job.params.settings
    table = audit_checkpoint(
        Path(job.input.checkpoint[0]).parent,
        Path(job.input.samples).read_text().splitlines(),
        settings["extraction"]["prefix_tokens"],
        settings["extraction"]["suffix_tokens"],
        settings["perturbation"]["tokens"],
        settings["perturbation"]["draws"],
        job.params.seed,
        job.wildcards.lab_audit,
    )
    write_csv(table, job.output[0])
    log.info("audited %d samples", len(table))
