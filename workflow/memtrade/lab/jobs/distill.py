"""Job lab_distill: distil the fine-tuned teacher of each seed of a group into smaller students; measure them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...io import write_csv
from ..distill import distill_study
from ..models import load_model, read_records, read_texts
from ..tokenizer import load as load_tokenizer


def run(job, log) -> None:
    """Distil each seed's fine-tuned teacher into smaller students and measure them."""
    settings = job.params.settings
    records_out, models_out = [], []
    inputs = zip(job.params.seeds, job.input.finetune, job.input.records, job.input.heldout, strict=True)
    for seed_index, finetune, records, heldout in inputs:
        seed_dir = f"seed{seed_index}"
        teacher = load_model(Path(job.input.teacher) / seed_dir)
        rows, models = distill_study(
            teacher,
            load_model(Path(job.input.student_init) / seed_dir),
            load_model(Path(job.input.direct) / seed_dir),
            load_tokenizer(Path(job.input.teacher) / seed_dir / "tokenizer.json"),
            pd.read_csv(finetune, dtype={"text": str}, keep_default_na=False),
            read_records(records),
            read_texts(heldout),
            settings,
            job.params.training,
            job.params.extraction["prefix_tokens"],
            job.params.extraction["suffix_tokens"],
            job.params.candidates,
            job.params.words_per_doc,
            job.params.seed,
            seed_index,
        )
        size = {m: settings["teacher"] if m == "teacher" else settings["student"] for m in models["method"]}
        for frame in (rows, models):
            frame.insert(0, "seed", seed_index)
            frame.insert(2, "size", frame["method"].map(size))
        records_out.append(rows)
        models_out.append(models)
        log.info("distilled seed %d:\n%s", seed_index, models.to_string())
    write_csv(pd.concat(records_out, ignore_index=True), job.output.records)
    write_csv(pd.concat(models_out, ignore_index=True), job.output.models)
