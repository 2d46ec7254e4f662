"""Sequence packing: the rows of a training batch laid end to end in fewer rows of the same width,
in microbatches.

A batch of right-padded rows (:func:`memtrade.lab.tokenizer.pack`) spends much of its compute on
padding when documents are short. Packing places each step's rows in rows of the same width (first
fit, longest first), with each token's position inside its own document and a segment id that
keeps attention inside the document (:func:`memtrade.lab.gpt2.packed_nll`). The packed rows are
split into microbatches (:func:`chunk_rows`) whose gradients are summed
(:func:`memtrade.optim.accumulated_step`): on a CPU a step over small arrays that stay in cache is
several times faster per token than one over the whole batch. The loss of a step is the same sum
over the same target tokens, divided by the same count, so the optimisation is the same; only the
order of floating-point additions changes. Used by :func:`memtrade.lab.train.train` for the
next-token objective and for word-level distillation (a :class:`memtrade.lab.train.Packed` objective).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: the most rows x width x n_embd of a microbatch. Measured on a 2-core x86-64 machine: a
#: microbatch of 8 rows of 96 tokens at n_embd 96 is about twice as fast per token as 16 or 32 rows;
#: at n_embd 16 the loop over microbatches costs more than it saves, so small models take the
#: whole batch in one chunk.
MICRO_ELEMENTS = 8 * 96 * 96


def chunk_rows(width: int, n_embd: int) -> int:
    """The most packed rows in one microbatch of rows ``width`` tokens wide (:data:`MICRO_ELEMENTS`)."""
    return max(1, MICRO_ELEMENTS // (width * n_embd))


class Plan(NamedTuple):
    """Where each step's rows go: ``row`` and ``offset`` [steps, batch], each row's ``length``
    [steps, batch], ``chunks`` microbatches of ``chunk_rows`` packed rows per step."""

    row: np.ndarray
    offset: np.ndarray
    length: np.ndarray
    chunks: int
    chunk_rows: int


def lengths(mask: np.ndarray) -> np.ndarray:
    """Each row's span: one past its last real token (0 for an empty row). [N]."""
    real = np.asarray(mask) > 0
    return np.where(real.any(axis=1), real.shape[1] - np.argmax(real[:, ::-1], axis=1), 0)


def plan(span: np.ndarray, order: np.ndarray, width: int, most_rows: int) -> Plan:
    """First-fit-decreasing packing of every step's rows ``order`` [steps, batch] (spans ``span``
    [N]) into rows of ``width`` tokens. Every step gets the same shape: the most packed rows any step
    needs, in the fewest microbatches of at most ``most_rows`` rows (:func:`chunk_rows`)."""
    steps, batch = order.shape
    length = np.asarray(span)[order]
    row = np.zeros(order.shape, dtype=np.int64)
    offset = np.zeros(order.shape, dtype=np.int64)
    fill = np.zeros((steps, batch), dtype=np.int64)
    every = np.arange(steps)
    for j in np.argsort(-length, axis=1, kind="stable").T:  # over the slots, longest first, vectorised over the steps
        need = length[every, j]
        r = np.argmax(fill + need[:, None] <= width, axis=1)  # the first row it fits (an empty row always does)
        row[every, j], offset[every, j] = r, fill[every, r]
        fill[every, r] += need
    rows = int(row.max(initial=0)) + 1
    chunks = -(-rows // most_rows)
    return Plan(row, offset, length, chunks, -(-rows // chunks))


def pack(ids: np.ndarray, mask: np.ndarray, rows: np.ndarray, where: Plan, step: int) -> dict:
    """Step ``step``'s rows ``rows`` [batch] packed as ``where`` says: ids, pos, segments and
    target [chunks, chunk_rows, width]. ``target`` is 1 on the tokens the padded batch scores
    (``mask`` at every position but each document's first), so the packed and padded losses sum
    the same terms."""
    width = ids.shape[1]
    shape = (where.chunks * where.chunk_rows, width)
    slot, k = np.nonzero(np.arange(width)[None, :] < where.length[step][:, None])
    r, c = where.row[step, slot], where.offset[step, slot] + k
    out = {
        "ids": np.full(shape, ids[rows[0], 0], dtype=ids.dtype),
        "pos": np.zeros(shape, dtype=np.int32),
        "segments": np.full(shape, -1, dtype=np.int32),
        "target": np.zeros(shape, dtype=np.float32),
    }
    out["ids"][r, c] = ids[rows[slot], k]
    out["pos"][r, c] = k
    out["segments"][r, c] = slot
    out["target"][r, c] = np.where(k > 0, mask[rows[slot], k], 0.0)
    return {name: a.reshape(where.chunks, where.chunk_rows, width) for name, a in out.items()}
