"""Rule diffusion_tables: the diffusion stage's tidy tables."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.diffusion import tables
from memtrade.io import open_log, write_csv

log = open_log(snakemake.log[0])
level = snakemake.params.level
settings = snakemake.params.settings
models = pd.concat([pd.read_csv(p) for p in snakemake.input.models], ignore_index=True)
summary = tables.summary(models, level)
out = {
    "models": models,
    "summary": summary,
    "window": tables.windows(summary, models, settings),
    "losses": tables.losses(pd.concat([pd.read_csv(p) for p in snakemake.input.losses], ignore_index=True)),
    "ablation": tables.ablation(
        models.merge(pd.read_csv(snakemake.input.ablation)[["d", "k", "n"]].drop_duplicates()),
        pd.read_csv(snakemake.input.ablation),
        settings,
        level,
    ),
    "templates": tables.templates(pd.concat([pd.read_csv(p) for p in snakemake.input.templates]), level),
    "fbmem": tables.fbmem(pd.concat([pd.read_csv(p) for p in snakemake.input.fbmem]), level),
}
for name, frame in out.items():
    write_csv(frame, snakemake.output[name])
log.info("wrote %d tables", len(out))
