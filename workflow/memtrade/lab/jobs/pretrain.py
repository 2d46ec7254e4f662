"""Job lab_pretrain: pretrain one size on the background text of each seed of a group of seeds."""

from __future__ import annotations

from pathlib import Path

from ..models import read_texts, save_model
from ..train import pretrain


def run(job, log) -> None:
    """Pretrain one size on the background text of each seed of a group of seeds."""
    settings = job.params.settings
    out = Path(job.output[0])
    for seed_index, texts, tokenizer in zip(job.params.seeds, job.input.pretrain, job.input.tokenizer, strict=True):
        tokenizer_json = Path(tokenizer).read_text()
        params, cfg, train_log = pretrain(
            job.params.size,
            settings["context"],
            settings["pretrain"],
            read_texts(texts),
            tokenizer_json,
            job.params.seed,
            job.wildcards.lab_size,
            seed_index,
        )
        save_model(out / f"seed{seed_index}", params, cfg, tokenizer_json, train_log)
        log.info("seed %d: pretrained %s: %s", seed_index, cfg, train_log)
