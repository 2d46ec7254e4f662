"""Job lab_finetune: fine-tune the pretrained models of a group of seeds on the records mixture (one variant)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..finetune import finetune
from ..models import save_model


def run(job, log) -> None:
    """Fine-tune the pretrained models of a group of seeds on the records mixture (one variant)."""
    pretrained = Path(job.input.pretrained)
    out = Path(job.output[0])
    for seed_index, path in zip(job.params.seeds, job.input.finetune, strict=True):
        rows = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
        params, cfg, tokenizer_json, train_log = finetune(
            pretrained / f"seed{seed_index}",
            rows,
            job.wildcards.lab_variant,
            job.params.settings["finetune"],
            job.params.defences,
            job.params.seed,
            job.wildcards.lab_size,
            seed_index,
        )
        save_model(out / f"seed{seed_index}", params, cfg, tokenizer_json, train_log)
        log.info("seed %d: fine-tuned (%s): %s", seed_index, job.wildcards.lab_variant, train_log)
