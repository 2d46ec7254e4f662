"""Rule diffusion_templates: the colored templates and FB-Mem, one seed."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.diffusion.experiment import templates_run
from memtrade.io import open_log, write_csv, write_npz

log = open_log(snakemake.log[0])
models, fb, gallery = templates_run(
    snakemake.params.settings, snakemake.params.seed, [int(snakemake.wildcards.diff_seed)]
)
write_csv(models, snakemake.output.models)
write_csv(fb, snakemake.output.fbmem)
write_npz(gallery, snakemake.output.gallery)
log.info("%d template models; FB-Mem rows %d", len(models), len(fb))
