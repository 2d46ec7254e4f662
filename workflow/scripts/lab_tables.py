"""Rule lab_tables: the laboratory's tables with 95 % intervals over seeds."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.lab import tables

log = open_log(snakemake.log[0])
records = pd.concat([pd.read_csv(p) for p in snakemake.input.records], ignore_index=True)
perturbation = pd.concat([pd.read_csv(p) for p in snakemake.input.perturbation], ignore_index=True)
models = pd.concat([pd.read_csv(p) for p in snakemake.input.models], ignore_index=True)
level = snakemake.params.confidence
out = snakemake.output
write_csv(tables.extraction_table(records, level), out.extraction)
write_csv(tables.exposure_table(records, level), out.exposure)
write_csv(tables.redundancy_table(records, perturbation, level), out.redundancy)
write_csv(tables.redundancy_share_table(records, level), out.redundancy_share)
write_csv(tables.defence_table(records, models, snakemake.params.defence_size, level), out.defences)
write_csv(tables.bits_table(records, level), out.bits)
write_csv(tables.model_table(models, records, level), out.models)
if snakemake.input.editing_records:  # lab.editing is configured
    editing = pd.concat([pd.read_csv(p) for p in snakemake.input.editing_records], ignore_index=True)
    edits = pd.concat([pd.read_csv(p) for p in snakemake.input.editing_edits], ignore_index=True)
    write_csv(tables.editing_table(editing, level), out.editing)
    write_csv(tables.editing_models_table(edits, level), out.editing_models)
if snakemake.input.distillation_records:  # lab.distillation is configured
    distilled = pd.concat([pd.read_csv(p) for p in snakemake.input.distillation_records], ignore_index=True)
    distill_models = pd.concat([pd.read_csv(p) for p in snakemake.input.distillation_models], ignore_index=True)
    write_csv(tables.distillation_table(distilled, distill_models, level), out.distillation)
    write_csv(tables.distillation_repetition_table(distilled, level), out.distillation_repetition)
if snakemake.input.stim_tokens:  # lab.stim is configured
    stim = pd.concat([pd.read_csv(p) for p in snakemake.input.stim_tokens], ignore_index=True)
    write_csv(tables.stim_sources_table(stim, level), out.stim_sources)
    write_csv(tables.stim_tail_table(stim, level), out.stim_tail)
    write_csv(tables.stim_precision_table(stim, snakemake.params.precision_k, level), out.stim_precision)
log.info("wrote %d laboratory tables", len(out))
