"""Rule lab_audit: extraction, memorization score, perturbation and redundancy of a user's samples
under a user's GPT-2 checkpoint (config lab.audit)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.io import open_log, write_csv
from memtrade.lab.audit import audit_checkpoint

log = open_log(snakemake.log[0])
settings = snakemake.params.settings
table = audit_checkpoint(
    Path(snakemake.input.checkpoint[0]).parent,
    Path(snakemake.input.samples).read_text().splitlines(),
    settings["extraction"]["prefix_tokens"],
    settings["extraction"]["suffix_tokens"],
    settings["perturbation"]["tokens"],
    settings["perturbation"]["draws"],
    snakemake.params.seed,
    snakemake.wildcards.lab_audit,
)
write_csv(table, snakemake.output[0])
log.info("audited %d samples", len(table))
