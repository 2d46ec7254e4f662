"""Job lab_measure: every measurement of the fine-tuned models of a group of seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ...io import write_csv
from ..extraction import measure, utility_losses
from ..models import load_model, read_records, read_texts
from ..record import training_record
from ..tokenizer import load as load_tokenizer


def run(job, log) -> None:
    """Every measurement of the fine-tuned models of a group of seeds."""
    wc = job.wildcards
    tables = {"records": [], "perturbation": [], "model": []}
    inputs = zip(job.params.seeds, job.input.records, job.input.fresh, job.input.heldout, job.input.meta, strict=True)
    for seed_index, records, fresh, heldout, meta in inputs:
        directory = Path(job.input.models) / f"seed{seed_index}"
        params, cfg, finetune_log = load_model(directory)
        tok = load_tokenizer(directory / "tokenizer.json")
        fresh_records, heldout_texts = read_records(fresh), read_texts(heldout)
        rows, perturbation, model = measure(
            params,
            cfg,
            tok,
            read_records(records),
            fresh_records,
            heldout_texts,
            job.params.settings,
            job.params.filters,
            job.params.words_per_doc,
            job.params.seed,
            wc.lab_size,
            seed_index,
            wc.lab_variant,
        )
        # the no-fine-tuning reference: the pretrained model this one started from, on the same texts
        base, base_cfg, _ = load_model(Path(job.input.pretrained) / f"seed{seed_index}")
        reference = utility_losses(base, base_cfg, tok, fresh_records, heldout_texts, job.params.words_per_doc)
        model |= {f"pretrained_{k}": v for k, v in reference.items()}
        corpus = json.loads(Path(meta).read_text())
        keys = {"seed": seed_index, "size": wc.lab_size, "variant": wc.lab_variant}
        model |= {
            "document_entropy_bits_per_word": corpus["document_entropy_bits_per_word"],
            "entropy_rate_bits_per_word": corpus["entropy_rate_bits_per_word"],
            "finetune_rows": finetune_log["rows"],
            "finetune_record_rows": finetune_log["record_rows"],
            "epsilon": finetune_log.get("epsilon", float("nan")),
            "delta": finetune_log.get("delta", float("nan")),
            "max_copies": finetune_log.get("max_copies", float("nan")),
            "delta_record": finetune_log.get("delta_record", float("nan")),
            "epsilon_record": finetune_log.get("epsilon_record", float("nan")),
            **training_record(finetune_log),  # the fine-tuning's loss and gradient norm, first and last tenth
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
        write_csv(pd.concat(frames, ignore_index=True), job.output[name])
