"""Rule lab_measure: every measurement of the fine-tuned models of a chunk."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.lab.experiment import load_model, measure, read_records, read_texts
from memtrade.lab.tokenizer import load as load_tokenizer

log = open_log(snakemake.log[0])
wc = snakemake.wildcards
tables = {"records": [], "perturbation": [], "model": []}
inputs = zip(
    snakemake.params.seeds, snakemake.input.records, snakemake.input.heldout, snakemake.input.meta, strict=True
)
for seed_index, records, heldout, meta in inputs:
    directory = Path(snakemake.input.models) / f"seed{seed_index}"
    params, cfg, finetune_log = load_model(directory)
    rows, perturbation, model = measure(
        params,
        cfg,
        load_tokenizer(directory / "tokenizer.json"),
        read_records(records),
        read_texts(heldout),
        snakemake.params.settings,
        snakemake.params.filters,
        snakemake.params.words_per_doc,
        snakemake.params.seed,
        wc.lab_size,
        seed_index,
        wc.lab_variant,
    )
    corpus = json.loads(Path(meta).read_text())
    keys = {"seed": seed_index, "size": wc.lab_size, "variant": wc.lab_variant}
    model |= {
        "document_entropy_bits_per_word": corpus["document_entropy_bits_per_word"],
        "entropy_rate_bits_per_word": corpus["entropy_rate_bits_per_word"],
        "finetune_rows": finetune_log["rows"],
        "finetune_record_rows": finetune_log["record_rows"],
        "epsilon": finetune_log.get("epsilon", float("nan")),
        "delta": finetune_log.get("delta", float("nan")),
    }
    for frame in (rows, perturbation):
        for i, (k, v) in enumerate(keys.items()):
            frame.insert(i, k, v)
        frame.insert(3, "params", model["params"])
    tables["records"].append(rows)
    tables["perturbation"].append(perturbation)
    tables["model"].append(pd.DataFrame([keys | model]))
    log.info("measured %s: %s", keys, model)
for name, frames in tables.items():
    write_csv(pd.concat(frames, ignore_index=True), snakemake.output[name])
