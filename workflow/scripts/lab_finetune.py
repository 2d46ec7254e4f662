"""Rule lab_finetune: fine-tune the pretrained models of a chunk on the records mixture (one variant)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log
from memtrade.lab.experiment import finetune, save_model

log = open_log(snakemake.log[0])
pretrained = Path(snakemake.input.pretrained)
out = Path(snakemake.output[0])
for seed_index, path in zip(snakemake.params.seeds, snakemake.input.finetune, strict=True):
    rows = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    params, cfg, tokenizer_json, train_log = finetune(
        pretrained / f"seed{seed_index}",
        rows,
        snakemake.wildcards.lab_variant,
        snakemake.params.settings["finetune"],
        snakemake.params.defences,
        snakemake.params.seed,
        snakemake.wildcards.lab_size,
        seed_index,
    )
    save_model(out / f"seed{seed_index}", params, cfg, tokenizer_json, train_log)
    log.info("seed %d: fine-tuned (%s): %s", seed_index, snakemake.wildcards.lab_variant, train_log)
