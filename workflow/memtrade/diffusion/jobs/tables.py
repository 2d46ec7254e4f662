"""Job diffusion_tables: the diffusion stage's tidy tables."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from .. import tables


def run(job, log) -> None:
    """The diffusion stage's tidy tables."""
    level = job.params.level
    settings = job.params.settings
    models = pd.concat([pd.read_csv(p) for p in job.input.models], ignore_index=True)
    summary = tables.summary(models, level)
    losses = tables.losses(pd.concat([pd.read_csv(p) for p in job.input.losses], ignore_index=True))
    out = {
        "models": models,
        "summary": summary,
        "window": tables.windows(summary, models, settings, losses),
        "losses": losses,
        "ablation": tables.ablation(
            models.merge(pd.read_csv(job.input.ablation)[["d", "k", "n"]].drop_duplicates()),
            pd.read_csv(job.input.ablation),
            settings,
            level,
        ),
        "templates": tables.templates(pd.concat([pd.read_csv(p) for p in job.input.templates]), level),
        "fbmem": tables.fbmem(pd.concat([pd.read_csv(p) for p in job.input.fbmem]), level),
    }
    for name, frame in out.items():
        write_csv(frame, job.output[f"diffusion_{name}"])
    log.info("wrote %d tables", len(out))
