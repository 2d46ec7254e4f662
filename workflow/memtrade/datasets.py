"""Generated datasets on disk: compressed NumPy arrays with a JSON sidecar, for every stage that trains.

A dataset is a dict of arrays. ``save_dataset`` writes it as ``<path>`` (``numpy.savez_compressed``)
and its metadata (seed stream, parameters) as ``<path>.json``, both atomically; ``load_dataset``
reads the arrays back. The black-box stage (:func:`problem_dataset`) and Brown et al.'s
(:func:`memtrade.brown.make_dataset`) both write through here.
"""

from __future__ import annotations

import json

import numpy as np

from . import seeds
from .io import atomic_path, write_text


def problem_dataset(problem, n_train: int, n_test: int, rng: np.random.Generator) -> dict:
    """One instance of ``problem`` and its examples.

    Parameters
    ----------
    problem : a problem of :mod:`memtrade.problems`
    n_train, n_test : int
        Numbers of training and test examples.
    rng : numpy.random.Generator
        The stream to draw from (``seeds.generator(seed, *blackbox_stream(...))``).

    Returns
    -------
    dict
        ``theta`` (d,), ``x_train`` (n_train, d), ``y_train`` (n_train,) in {-1, +1}, and
        ``x_test``, ``y_test`` likewise.
    """
    theta, x, y = problem.simulate(rng, n_train + n_test, 1)
    return {
        "theta": theta[0],
        "x_train": x[0, :n_train],
        "y_train": y[0, :n_train],
        "x_test": x[0, n_train:],
        "y_test": y[0, n_train:],
    }


def blackbox_stream(problem: str, index: int) -> tuple:
    """The seed-stream names of the black-box stage's dataset ``index`` of ``problem``."""
    return ("blackbox", "dataset", problem, int(index))


def save_dataset(path, data: dict, meta: dict) -> None:
    """Write the arrays of ``data`` to ``path`` and ``meta`` (JSON-serialisable) to ``path.json``, atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **data)
    write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", str(path) + ".json")


def load_dataset(path) -> dict:
    """The arrays of a dataset written by :func:`save_dataset`, by name."""
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def stream_meta(seed: int, names: tuple) -> dict:
    """What a sidecar records of a dataset's random stream: the run seed, the names, the SeedSequence entropy."""
    return {"seed": int(seed), "seed_stream": list(names), "seed_entropy": seeds.entropy(seed, *names)}
