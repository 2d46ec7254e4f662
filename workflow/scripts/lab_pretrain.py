"""Rule lab_pretrain: pretrain one size on the background text of each seed of a chunk."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.io import open_log
from memtrade.lab.experiment import pretrain, read_texts, save_model

log = open_log(snakemake.log[0])
settings = snakemake.params.settings
out = Path(snakemake.output[0])
for seed_index, texts, tokenizer in zip(
    snakemake.params.seeds, snakemake.input.pretrain, snakemake.input.tokenizer, strict=True
):
    tokenizer_json = Path(tokenizer).read_text()
    params, cfg, train_log = pretrain(
        snakemake.params.size,
        settings["context"],
        settings["pretrain"],
        read_texts(texts),
        tokenizer_json,
        snakemake.params.seed,
        snakemake.wildcards.lab_size,
        seed_index,
    )
    save_model(out / f"seed{seed_index}", params, cfg, tokenizer_json, train_log)
    log.info("seed %d: pretrained %s: %s", seed_index, cfg, train_log)
