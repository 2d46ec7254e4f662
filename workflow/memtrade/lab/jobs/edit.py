"""Job lab_edit: Private Memorization Editing of the fine-tuned models of a group of seeds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...io import write_csv
from ..editing import edit_study
from ..gpt2 import load_checkpoint
from ..models import read_records, read_texts
from ..tokenizer import load as load_tokenizer


def run(job, log) -> None:
    """Private Memorization Editing of the fine-tuned models of a group of seeds."""
    records_out, edits_out = [], []
    inputs = zip(job.params.seeds, job.input.records, job.input.fresh, job.input.heldout, strict=True)
    for seed_index, records, fresh, heldout in inputs:
        directory = Path(job.input.models) / f"seed{seed_index}"
        params, cfg = load_checkpoint(directory)
        rows, edit = edit_study(
            params,
            cfg,
            load_tokenizer(directory / "tokenizer.json"),
            read_records(records),
            read_records(fresh),
            read_texts(heldout),
            job.params.settings,
            job.params.extraction["prefix_tokens"],
            job.params.extraction["suffix_tokens"],
            job.params.words_per_doc,
            job.params.seed,
            seed_index,
        )
        rows.insert(0, "seed", seed_index)
        records_out.append(rows)
        edits_out.append(pd.DataFrame([{"seed": seed_index, "size": job.params.settings["size"]} | edit]))
        log.info("edited seed %d: %s", seed_index, edit)
    write_csv(pd.concat(records_out, ignore_index=True), job.output.records)
    write_csv(pd.concat(edits_out, ignore_index=True), job.output.edits)
