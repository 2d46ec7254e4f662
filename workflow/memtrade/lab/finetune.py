"""Fine-tuning of one pretrained model under each variant (:func:`finetune`): undefended, exactly or
near-deduplicated (AdamW) or DP-SGD, with DP-SGD's privacy accounting per row and per record.

Streams: ("lab", size, seed_index, variant, "finetune"|"noise").
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .. import seeds
from ..jaxpin import jax
from . import tokenizer as T
from .corpus import deduplicate
from .gpt2 import load_checkpoint
from .models import train_log
from .train import adamw_settings, dp_epsilon, group_epsilon, train, train_dp


def _all_rows(finetune: pd.DataFrame, dedup: dict | None) -> pd.DataFrame:
    return finetune


def _deduplicated(near: bool):
    def rows(finetune: pd.DataFrame, dedup: dict) -> pd.DataFrame:
        keep = deduplicate(
            finetune["text"],
            near=near,
            threshold=dedup["threshold"],
            shingle=dedup["shingle"],
            num_perm=dedup["num_perm"],
        )
        return finetune.iloc[keep].reset_index(drop=True)

    return rows


def _adamw(params, cfg, ids, mask, rng, settings: dict, defences: dict, noise: int, rows: pd.DataFrame):
    params, log = train(params, cfg, ids, mask, rng, **adamw_settings(settings))
    return params, log, {}


def _dpsgd(params, cfg, ids, mask, rng, settings: dict, defences: dict, noise: int, rows: pd.DataFrame):
    dp = defences["dpsgd"]
    params, log, q, steps = train_dp(
        params,
        cfg,
        ids,
        mask,
        rng,
        jax.random.PRNGKey(noise),
        epochs=dp["epochs"],
        batch=dp["batch"],
        lr=dp["lr"],
        warmup_fraction=settings["warmup_fraction"],
        clip=dp["clip"],
        noise_multiplier=dp["noise_multiplier"],
    )
    delta = 1.0 / len(rows)
    records = rows.loc[rows["record"] >= 0, "record"]
    copies = int(records.value_counts().max()) if len(records) else 1
    delta_record = 1.0 / (dp["delta_divisor"] * len(rows))
    extra = {
        "noise_multiplier": dp["noise_multiplier"],
        "clip": dp["clip"],
        "sampling_rate": q,
        "dp_steps": steps,
        "delta": delta,
        "epsilon": dp_epsilon(q, dp["noise_multiplier"], steps, delta),
        "max_copies": copies,
        "delta_record": delta_record,
        "epsilon_record": group_epsilon(q, dp["noise_multiplier"], steps, copies, delta_record),
    }
    return params, log, extra


class Variant(NamedTuple):
    """A fine-tuning variant: the rows it trains on, ``rows(finetune, dedup settings)``, and how it
    trains, ``train(params, cfg, ids, mask, rng, settings, defences, noise seed, rows frame) -> (params,
    TrainLog, extra log entries)``."""

    rows: object
    train: object


#: the fine-tuning variants (memtrade.lab.settings.UNDEFENDED and the keys of DEFENCES)
VARIANTS = {
    "undefended": Variant(_all_rows, _adamw),
    "dedup_exact": Variant(_deduplicated(near=False), _adamw),
    "dedup_near": Variant(_deduplicated(near=True), _adamw),
    "dpsgd": Variant(_all_rows, _dpsgd),
}


def finetune_rows(finetune: pd.DataFrame, variant: str, dedup: dict | None) -> pd.DataFrame:
    """The fine-tuning rows a variant trains on: all of them, or those kept by exact or near deduplication."""
    return VARIANTS[variant].rows(finetune, dedup)


def finetune(
    checkpoint, finetune: pd.DataFrame, variant: str, settings: dict, defences: dict, seed: int, name: str, index: int
):
    """Fine-tune a pretrained checkpoint on the fine-tuning set under ``variant``.

    ``undefended`` and the deduplications use AdamW (``settings``); ``dpsgd`` uses DP-SGD
    (``defences['dpsgd']``) and reports ε per row at δ = 1/N and ε per record (group privacy over
    its copies, :func:`group_epsilon`) at δ = 1/(delta_divisor · N). Returns (params, cfg, tokenizer json, log dict).
    """
    from tokenizers import Tokenizer

    if variant not in VARIANTS:
        raise ValueError(f"unknown fine-tuning variant {variant!r}; known: {tuple(VARIANTS)}")
    params, cfg = load_checkpoint(checkpoint)
    tok_json = (Path(checkpoint) / "tokenizer.json").read_text()
    tok = Tokenizer.from_str(tok_json)
    rows = finetune_rows(finetune, variant, (defences or {}).get("dedup"))
    ids, mask = T.pack(tok, rows["text"].tolist(), limit=cfg.n_positions)
    if ids.shape[1] > cfg.n_positions:
        raise ValueError(f"a fine-tuning row needs {ids.shape[1]} tokens, more than lab.context = {cfg.n_positions}")
    rng = seeds.generator(seed, "lab", name, index, variant, "finetune")
    extra = {"rows": len(rows), "record_rows": int((rows["record"] >= 0).sum())}
    noise = seeds.integer(seed, "lab", name, index, variant, "noise")
    params, log, more = VARIANTS[variant].train(params, cfg, ids, mask, rng, settings, defences, noise, rows)
    return params, cfg, tok_json, train_log(log, **(extra | more))
