"""Rules diffusion_point and diffusion_ablation: one sweep point of Buchanan et al.'s crossover."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.diffusion.experiment import crossover_point
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
p = snakemake.params.point
models, losses = crossover_point(
    snakemake.params.settings, p["d"], p["k"], p["n"], snakemake.params.seed, snakemake.params.steps_factor
)
write_csv(models, snakemake.output.models)
write_csv(losses, snakemake.output.losses)
log.info("d=%d K=%d N=%d: %d models", p["d"], p["k"], p["n"], len(models))
