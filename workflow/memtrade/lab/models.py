"""The laboratory's model and corpus files: GPT-2 configs of the laboratory sizes, corpus CSVs,
checkpoint directories with their training log, and the training logs' wall-clock throughput."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ..io import atomic_path
from .gpt2 import GPT2Config, load_checkpoint, n_params, save_checkpoint

logger = logging.getLogger(__name__)


def model_config(size: dict, context: int, vocab_size: int) -> GPT2Config:
    """The GPT-2 config of a laboratory size (``n_embd``, ``n_layer``, ``n_head``)."""
    return GPT2Config(vocab_size, context, size["n_embd"], size["n_layer"], size["n_head"])


def read_texts(path) -> list[str]:
    """The ``text`` column of a corpus CSV (read as strings; no value is parsed as a number)."""
    return pd.read_csv(path, dtype={"text": str}, keep_default_na=False)["text"].tolist()


def read_records(path) -> pd.DataFrame:
    """The records CSV of a corpus, secrets read as strings (leading zeros kept)."""
    return pd.read_csv(path, dtype={"pin": str, "acct": str, "note": str, "text": str}, keep_default_na=False)


def save_model(directory, params, cfg, tokenizer_json: str, log: dict) -> None:
    """A GPT-2 checkpoint directory plus ``train.json`` (what the training did)."""
    save_checkpoint(directory, params, cfg, tokenizer_json)
    with atomic_path(Path(directory) / "train.json") as tmp:
        Path(tmp).write_text(json.dumps(log, indent=1, sort_keys=True) + "\n")


def load_model(directory):
    """(params, config, training log) of a checkpoint directory of :func:`save_model`; the log is
    empty for a checkpoint without ``train.json`` (a pretrained one)."""
    params, cfg = load_checkpoint(directory)
    log = Path(directory) / "train.json"
    return params, cfg, json.loads(log.read_text()) if log.is_file() else {}


def train_log(log, **extra) -> dict:
    """A :class:`memtrade.lab.train.TrainLog` as the dict of ``train.json``, with ``extra`` entries."""
    return {
        "steps": log.steps,
        "tokens": log.tokens,
        "seconds": log.seconds,
        "tokens_per_second": log.tokens_per_second,
        "final_loss": log.final_loss,
        "loss_start": log.loss_start,
        "loss_end": log.loss_end,
        "grad_norm_start": log.grad_norm_start,
        "grad_norm_end": log.grad_norm_end,
    } | extra


def log_throughput(what: str, log, cfg) -> None:
    """Log a training run's wall-clock throughput (kept out of the tables, which are byte-identical)."""
    gflops = 6 * n_params(cfg) * log.tokens / max(log.seconds, 1e-9) / 1e9  # forward + backward
    logger.info(
        "%s: %d steps, %d tokens in %.1f s (%.0f tokens/s, %.2f GFLOP/s of the 6 N per token model matmuls)",
        what, log.steps, log.tokens, log.seconds, log.tokens_per_second, gflops,
    )  # fmt: skip
