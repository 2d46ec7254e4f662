"""Rule lab_edit: Private Memorization Editing of the fine-tuned models of a chunk."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.lab.experiment import edit_study, read_records, read_texts
from memtrade.lab.gpt2 import load_checkpoint
from memtrade.lab.tokenizer import load as load_tokenizer

log = open_log(snakemake.log[0])
records_out, edits_out = [], []
inputs = zip(snakemake.params.seeds, snakemake.input.records, snakemake.input.heldout, strict=True)
for seed_index, records, heldout in inputs:
    directory = Path(snakemake.input.models) / f"seed{seed_index}"
    params, cfg = load_checkpoint(directory)
    rows, edit = edit_study(
        params,
        cfg,
        load_tokenizer(directory / "tokenizer.json"),
        read_records(records),
        read_texts(heldout),
        snakemake.params.settings,
        snakemake.params.extraction["prefix_tokens"],
        snakemake.params.extraction["suffix_tokens"],
        snakemake.params.words_per_doc,
        snakemake.params.seed,
        seed_index,
    )
    rows.insert(0, "seed", seed_index)
    records_out.append(rows)
    edits_out.append(pd.DataFrame([{"seed": seed_index, "size": snakemake.params.settings["size"]} | edit]))
    log.info("edited seed %d: %s", seed_index, edit)
write_csv(pd.concat(records_out, ignore_index=True), snakemake.output.records)
write_csv(pd.concat(edits_out, ignore_index=True), snakemake.output.edits)
