"""Job lab_stim: STIM's token-level memorization sources on a reasoning task, for each seed of a group of seeds."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from ..models import read_texts
from ..stim import stim_study


def run(job, log) -> None:
    """STIM's token-level memorization sources on a reasoning task, for each seed of a group of seeds."""
    frames = {"tokens": [], "questions": [], "models": []}
    for seed_index, background in zip(job.params.seeds, job.input.background, strict=True):
        tokens, questions, model = stim_study(
            read_texts(background),
            job.params.size,
            job.params.context,
            job.params.vocab,
            job.params.settings,
            job.params.seed,
            seed_index,
        )
        for name, frame in (("tokens", tokens), ("questions", questions), ("models", pd.DataFrame([model]))):
            frame.insert(0, "seed", seed_index)
            frames[name].append(frame)
        wrong = int(tokens["wrong"].sum())
        log.info("seed %d: %d scored tokens, %d wrong; model %s", seed_index, len(tokens), wrong, model)
    for name, parts in frames.items():
        write_csv(pd.concat(parts, ignore_index=True), job.output[name])
