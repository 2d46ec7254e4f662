"""Job lab_tables: the laboratory's tables with 95 % intervals over seeds."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from .. import distill_tables, editing_tables, stim_tables, tables


def run(job, log) -> None:
    """The laboratory's tables with 95 % intervals over seeds."""
    records = pd.concat([pd.read_csv(p) for p in job.input.records], ignore_index=True)
    perturbation = pd.concat([pd.read_csv(p) for p in job.input.perturbation], ignore_index=True)
    models = pd.concat([pd.read_csv(p) for p in job.input.models], ignore_index=True)
    level = job.params.confidence
    out = job.output
    write_csv(tables.extraction_table(records, level), out.lab_extraction)
    write_csv(tables.exposure_table(records, level), out.lab_exposure)
    write_csv(tables.redundancy_table(records, perturbation, level), out.lab_redundancy)
    write_csv(tables.redundancy_share_table(records, level), out.lab_redundancy_share)
    write_csv(tables.defence_table(records, models, job.params.defence_size, level), out.lab_defences)
    write_csv(tables.bits_table(records, level), out.lab_bits)
    write_csv(tables.model_table(models, records, level), out.lab_models)
    if job.input.editing_records:  # lab.editing is configured
        editing = pd.concat([pd.read_csv(p) for p in job.input.editing_records], ignore_index=True)
        edits = pd.concat([pd.read_csv(p) for p in job.input.editing_edits], ignore_index=True)
        write_csv(editing_tables.editing_table(editing, level), out.lab_editing)
        write_csv(editing_tables.editing_models_table(edits, level), out.lab_editing_models)
    if job.input.distillation_records:  # lab.distillation is configured
        distilled = pd.concat([pd.read_csv(p) for p in job.input.distillation_records], ignore_index=True)
        distill_models = pd.concat([pd.read_csv(p) for p in job.input.distillation_models], ignore_index=True)
        write_csv(distill_tables.distillation_table(distilled, distill_models, level), out.lab_distillation)
        write_csv(distill_tables.distillation_repetition_table(distilled, level), out.lab_distillation_repetition)
    if job.input.stim_tokens:  # lab.stim is configured
        stim = pd.concat([pd.read_csv(p) for p in job.input.stim_tokens], ignore_index=True)
        write_csv(stim_tables.stim_sources_table(stim, level), out.lab_stim_sources)
        write_csv(stim_tables.stim_tail_table(stim, level), out.lab_stim_tail)
        write_csv(stim_tables.stim_precision_table(stim, job.params.precision_k, level), out.lab_stim_precision)
    log.info("wrote %d laboratory tables", len(out))
