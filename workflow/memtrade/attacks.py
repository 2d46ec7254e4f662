"""Query-only reconstruction attacks (Brown et al., STOC 2021; their public code's attacks.py).

An attack sees the model only through a score function: ``log_proba(X) -> (m, C)``, the log
probability of every class for each row of a batch of inputs X in {-1, +1}^d (scikit-learn's
``predict_log_proba`` is one). Given a label, it searches for the input the model finds most
typical of that label; for a singleton subpopulation that input is the memorised example.

- ``sign_attack`` ("uninformed"): for each coordinate i and each of ``repeats`` rounds, draw a
  fresh uniform +-1 background, set x_i = +1 and then -1, and vote for the sign with the larger
  score of the label (ties vote -1); the guess is the majority of the votes (a tied count -> -1).
- ``coordinate_ascent``: from a uniform random +-1 start, sweep the coordinates in order and flip
  a bit whenever that raises the label's score; stop after a sweep with no flip or after
  ``max_sweeps`` sweeps. The score never decreases.

Both attacks use only ``Queries``: a wrapper around the score function whose ``flipped`` answers
"the scores of these inputs with one coordinate each flipped". The base class answers it by
building those inputs and calling the score function; a model may override it with an exact
shortcut (``memtrade.nets.FlipQueries`` updates pre-activations in O(h) per flip). Tests check that
both give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class Queries:
    """Query access to a model through ``log_proba(X) -> (m, C)`` only."""

    def __init__(self, log_proba: Callable[[np.ndarray], np.ndarray]):
        self.log_proba = log_proba

    def start(self, X):
        """A batch of current inputs (rows of X), to be scored and flipped."""
        return {"X": np.array(X, dtype=float)}

    def current(self, state):
        """Scores log p(c | x) of the current inputs: shape (rows, C)."""
        return np.asarray(self.log_proba(state["X"]))

    def flipped(self, state, rows, cols):
        """Scores of the current rows ``rows`` with coordinate ``cols`` (one per row) flipped."""
        rows, cols = np.asarray(rows), np.asarray(cols)
        X = state["X"][rows].copy()
        X[np.arange(len(rows)), cols] *= -1
        return np.asarray(self.log_proba(X))

    def commit(self, state, row, col):
        """Flip coordinate ``col`` of current row ``row``."""
        state["X"][row, col] *= -1


def as_queries(score) -> Queries:
    """A Queries object from a Queries object or a plain callable ``log_proba(X)``."""
    return score if isinstance(score, Queries) else Queries(score)


def _random_signs(rng, shape) -> np.ndarray:
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def sign_attack(score, labels, d: int, rng, repeats: int = 5) -> np.ndarray:
    """Brown et al.'s uninformed sign attack for each label in ``labels``: guesses of shape (len(labels), d).

    Every background is a fresh uniform draw, as in their code. The backgrounds of one round are
    shared by all the labels attacked together (one batch of queries answers every label), which
    leaves each label's attack distributed exactly as when run alone.
    """
    q = as_queries(score)
    labels = np.atleast_1d(np.asarray(labels, dtype=int))
    votes = np.zeros((len(labels), d), dtype=np.int64)
    diag = np.arange(d)
    for _ in range(int(repeats)):
        background = _random_signs(rng, (d, d))  # row i: the background for coordinate i
        state = q.start(background)
        base = q.current(state)[:, labels]  # (d, L): x_i as drawn
        other = q.flipped(state, diag, diag)[:, labels]  # x_i flipped
        plus = background[diag, diag][:, None] > 0
        up, down = np.where(plus, base, other), np.where(plus, other, base)
        votes += np.where(up > down, 1, -1).T
    return np.where(votes > 0, 1, -1).astype(np.int8)


def coordinate_ascent(score, labels, d: int, rng, max_sweeps: int = 10, start=None):
    """Brown et al.'s coordinate ascent on the score of each label: (guesses (L, d), score histories, sweeps run).

    Each label gets its own uniform random start (or row of ``start``) and its own ascent. Flips
    are proposed in order; a block of upcoming proposals is scored in one batch and the first
    improving one is accepted, which is exactly the sequential rule (the input does not change
    before that proposal). The blocks of all labels go to the model in one batch of queries.
    """
    q = as_queries(score)
    labels = np.atleast_1d(np.asarray(labels, dtype=int))
    L = len(labels)
    x = _random_signs(rng, (L, d)) if start is None else np.array(start, float).reshape(L, d)
    state = q.start(x)
    current = q.current(state)[np.arange(L), labels].astype(float)
    history = [[c] for c in current]
    pos, block = np.zeros(L, int), np.full(L, 4)
    sweeps, changed, active = np.ones(L, int), np.zeros(L, bool), np.ones(L, bool)
    while active.any():
        who = np.flatnonzero(active)
        spans = [np.arange(pos[r], min(d, pos[r] + block[r])) for r in who]
        rows = np.repeat(who, [len(c) for c in spans])
        scores = q.flipped(state, rows, np.concatenate(spans))[np.arange(len(rows)), labels[rows]]
        offset = 0
        for r, cols in zip(who, spans, strict=True):
            mine, offset = scores[offset : offset + len(cols)], offset + len(cols)
            better = np.flatnonzero(mine > current[r])
            if len(better):
                j = int(cols[better[0]])
                q.commit(state, r, j)
                current[r] = float(mine[better[0]])
                history[r].append(current[r])
                changed[r], pos[r], block[r] = True, j + 1, max(4, block[r] // 2)
            else:
                pos[r], block[r] = int(cols[-1]) + 1, min(2 * block[r], 512)
            if pos[r] >= d:  # end of a sweep
                if not changed[r] or sweeps[r] >= max_sweeps:
                    active[r] = False
                else:
                    sweeps[r] += 1
                    changed[r], pos[r], block[r] = False, 0, 4
    guesses = np.where(np.asarray(state["X"]) > 0, 1, -1).astype(np.int8)
    return guesses, [np.array(h) for h in history], sweeps
