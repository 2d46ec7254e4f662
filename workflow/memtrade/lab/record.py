"""A model's training record as the laboratory's model rows carry it: the mean loss and gradient
norm over the first and the last tenth of its steps (``train.json``'s ``loss_start`` ... from
:class:`memtrade.lab.train.TrainLog`), as columns with a ``train_`` prefix. No imports, so that the
jobs that write the rows and the table that summarises them share it without importing each other."""

from __future__ import annotations

#: the record's columns in the model rows and tables
TRAINING = ("train_loss_start", "train_loss_end", "train_grad_norm_start", "train_grad_norm_end")


def training_record(log: dict) -> dict:
    """The record's columns of a ``train.json`` dict (NaN where it has none, as for DP-SGD, whose
    update is a noised sum of clipped per-example gradients, not the gradient of one loss)."""
    return {c: log.get(c.removeprefix("train_"), float("nan")) for c in TRAINING}
