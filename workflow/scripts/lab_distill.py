"""Rule lab_distill: distil the fine-tuned teacher of each seed of a chunk into smaller students and measure them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.lab.experiment import distill_study, load_model, read_records, read_texts
from memtrade.lab.tokenizer import load as load_tokenizer

log = open_log(snakemake.log[0])
settings = snakemake.params.settings
records_out, models_out = [], []
inputs = zip(
    snakemake.params.seeds, snakemake.input.finetune, snakemake.input.records, snakemake.input.heldout, strict=True
)
for seed_index, finetune, records, heldout in inputs:
    seed_dir = f"seed{seed_index}"
    teacher = load_model(Path(snakemake.input.teacher) / seed_dir)
    rows, models = distill_study(
        teacher,
        load_model(Path(snakemake.input.student_init) / seed_dir),
        load_model(Path(snakemake.input.direct) / seed_dir),
        load_tokenizer(Path(snakemake.input.teacher) / seed_dir / "tokenizer.json"),
        pd.read_csv(finetune, dtype={"text": str}, keep_default_na=False),
        read_records(records),
        read_texts(heldout),
        settings,
        snakemake.params.training,
        snakemake.params.extraction["prefix_tokens"],
        snakemake.params.extraction["suffix_tokens"],
        snakemake.params.candidates,
        snakemake.params.words_per_doc,
        snakemake.params.seed,
        seed_index,
    )
    size = {m: settings["teacher"] if m == "teacher" else settings["student"] for m in models["method"]}
    for frame in (rows, models):
        frame.insert(0, "seed", seed_index)
        frame.insert(2, "size", frame["method"].map(size))
    records_out.append(rows)
    models_out.append(models)
    log.info("distilled seed %d:\n%s", seed_index, models.to_string())
write_csv(pd.concat(records_out, ignore_index=True), snakemake.output.records)
write_csv(pd.concat(models_out, ignore_index=True), snakemake.output.models)
