"""``memtrade audit``: certified memorization of one scikit-learn-compatible estimator, in one call."""

from __future__ import annotations

import time

import pandas as pd

from .. import seeds
from ..datasets import problem_dataset
from .attack import run_learner
from .certify import blackbox_table

#: import paths of the natural learner (its rows get the exact memorization, and the name "natural")
NATURAL = ("memtrade.blackbox.NaturalClassifier", "memtrade.blackbox.learners.NaturalClassifier")


def audit(problem, ns, n_seeds: int, estimator: str, params: dict, n_test=500, bootstrap=200, seed=0, progress=None):
    """Train ``estimator`` on ``n_seeds`` generated datasets of ``problem``; certify its memorization by attack.

    Parameters
    ----------
    problem : a problem of :mod:`memtrade.problems` with inputs in {-1, +1}^d (Boolean or sparse)
    ns : sequence of int
        Training-set sizes; the learner trains on the first n examples of each dataset.
    n_seeds : int
        Datasets (at least 2, for intervals over seeds).
    estimator : str
        Import path ``module.Class`` (checked by :func:`memtrade.estimators.check_estimator`).
    params : dict
        Its constructor parameters.
    n_test, bootstrap : int
        Test examples per dataset; bootstrap replicates over seeds.
    seed : int
        The run seed: dataset s is the stream ("audit", "dataset", problem, s) of :mod:`memtrade.seeds`.
    progress : callable, optional
        Called with one line after each dataset (datasets done, seconds elapsed).

    Returns
    -------
    pandas.DataFrame
        The black-box table (docs/outputs.md; bits per model) with ``ratio_to_bound``, the
        certified bits over the SDPI bound at the learner's own error (NaN where the bound is
        below 1e-9 bits).
    """
    spec = {"family": "sklearn", "estimator": estimator, "params": params}
    name = "natural" if estimator in NATURAL else estimator.rsplit(".", 1)[-1]
    frames, start = [], time.perf_counter()
    for s in range(n_seeds):
        data = problem_dataset(problem, max(ns), n_test, seeds.generator(seed, "audit", "dataset", problem.name, s))
        frames.append(run_learner(problem, spec, data, sorted(ns), seed, name, s)[1])
        if progress:
            progress(f"memtrade audit: seed {s + 1}/{n_seeds} done, {time.perf_counter() - start:.1f} s elapsed")
    table = blackbox_table(problem, {name: pd.concat(frames, ignore_index=True)}, bootstrap, int(seed))
    lb = table["lower_bound_bits"]
    table["ratio_to_bound"] = (table["certified_bits"] / lb).where(lb > 1e-9)
    return table
