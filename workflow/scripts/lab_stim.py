"""Rule lab_stim: STIM's token-level memorization sources on a reasoning task, for each seed of a chunk."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.io import open_log, write_csv
from memtrade.lab.experiment import read_texts, stim_study

log = open_log(snakemake.log[0])
frames = {"tokens": [], "questions": [], "models": []}
for seed_index, background in zip(snakemake.params.seeds, snakemake.input.background, strict=True):
    tokens, questions, model = stim_study(
        read_texts(background),
        snakemake.params.size,
        snakemake.params.context,
        snakemake.params.vocab,
        snakemake.params.settings,
        snakemake.params.seed,
        seed_index,
    )
    for name, frame in (("tokens", tokens), ("questions", questions), ("models", pd.DataFrame([model]))):
        frame.insert(0, "seed", seed_index)
        frames[name].append(frame)
    wrong = int(tokens["wrong"].sum())
    log.info("seed %d: %d scored tokens, %d wrong; model %s", seed_index, len(tokens), wrong, model)
for name, parts in frames.items():
    write_csv(pd.concat(parts, ignore_index=True), snakemake.output[name])
