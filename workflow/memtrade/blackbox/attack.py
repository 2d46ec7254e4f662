"""Reconstruction attacks on black-box learners, and the training loop that runs them.

An attack guesses every training example's signed coordinates u_ij = y_i x_ij from the model and
theta (docs/science.md section 5.3). The ``attack`` column of the tables names it:

- ``stored_examples`` (kNN): the stored training examples read back;
- ``direction`` (white-box): every example guessed from the model's direction (weights, or the
  MLP's input gradient at 0), through the problem's ``guess_from_direction``;
- ``sign`` and ``coordinate_ascent`` (query-only, problems with inputs in {-1, +1}^d, every learner
  with class probabilities): Brown et al.'s attacks (:mod:`memtrade.attacks`) on the score
  log p(y | x), run once per label value; each training example's guess is the output for its
  own label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import seeds
from ..attacks import coordinate_ascent, sign_attack
from .learners import make_learner

QUERY_ATTACKS = ("sign", "coordinate_ascent")


def attacks_for(problem, learner) -> list[str]:
    """The attacks that apply to a learner on a problem: its white-box one, then the query-only ones."""
    out = [learner.white_box] if learner.white_box else []
    if problem.binary_inputs and learner.has_proba:
        out += list(QUERY_ATTACKS)
    return out


def reconstruct(problem, learner, theta: np.ndarray, n: int) -> np.ndarray:
    """The white-box guess of the n training examples' signed coordinates: shape (n, d)."""
    if learner.white_box == "stored_examples":
        return learner.stored_examples(n)
    guess = problem.guess_from_direction(learner.direction(), theta)
    return np.broadcast_to(guess, (n, len(theta))).copy()


def query_reconstruct(learner, y_train: np.ndarray, n: int, d: int, attack: str, rng) -> np.ndarray:
    """Guess every training example's signed coordinates by a query-only attack on log p(y | x): shape (n, d)."""
    labels = np.array([0, 1])  # columns of log_proba: y = -1, y = +1
    if attack == "sign":
        guess = sign_attack(learner.log_proba, labels, d, rng)
    else:
        guess = coordinate_ascent(learner.log_proba, labels, d, rng)[0]
    y = y_train[:n]
    return y[:, None] * guess[(y > 0).astype(int)]


def attack_stats(problem, guess: np.ndarray, theta, x_train, y_train, n: int) -> dict:
    """Sufficient statistics of one attack's (n, d) guess: per group, (components, errors or squared errors)."""
    u = y_train[:n, None] * x_train[:n]
    groups = problem.component_groups(theta)
    return {
        int(g): (int((groups == g).sum() * n), problem.component_errors(guess[:, groups == g], u[:, groups == g]))
        for g in np.unique(groups)
    }


def membership_advantage(learner, x_in, y_in, x_out, y_out) -> float:
    """Side metric: the best TPR - FPR of a threshold on the learner's margin, members against fresh examples."""
    s_in, s_out = learner.margin(x_in, y_in), learner.margin(x_out, y_out)
    thresholds = np.unique(np.concatenate([s_in, s_out]))
    tpr = (s_in[None, :] >= thresholds[:, None]).mean(axis=1)
    fpr = (s_out[None, :] >= thresholds[:, None]).mean(axis=1)
    return float(np.max(tpr - fpr))


def run_learner(problem, spec: dict, data: dict, n_grid, seed: int, name: str, index: int):
    """Train one learner on the first n examples for every n of ``n_grid``, and attack it.

    Parameters
    ----------
    problem : a problem of :mod:`memtrade.problems`
    spec : dict
        The learner's config entry (``family`` and parameters).
    data : dict
        A dataset of :func:`memtrade.datasets.problem_dataset`.
    seed : int
        The run seed; the fits and the query attacks draw from the streams
        ("blackbox", problem, name, index, ...) of :mod:`memtrade.seeds`.
    name : str
        The learner's name in the config.
    index : int
        The dataset's index (the ``seed`` column).

    Returns
    -------
    models : dict
        The fitted learner for each n.
    stats : pandas.DataFrame
        One row per (n, attack): ``test_error``, ``membership_advantage`` and, per attack group g,
        ``components_g<g>`` and ``errors_g<g>`` (mismatches, or squared errors for Gaussian data).
    """
    models, rows = {}, []
    theta, x_train, y_train = data["theta"], data["x_train"], data["y_train"]
    d = x_train.shape[1]
    stream = ("blackbox", problem.name, name, int(index))
    for n in n_grid:
        n = int(n)
        learner = make_learner(spec, seeds.integer(seed, *stream, "fit", n)).fit(x_train[:n], y_train[:n])
        models[n] = learner
        err = float(np.mean(learner.predict(data["x_test"]) != data["y_test"]))
        n_out = min(len(data["x_test"]), max(n, 200))
        adv = membership_advantage(learner, x_train[:n], y_train[:n], data["x_test"][:n_out], data["y_test"][:n_out])
        for attack in attacks_for(problem, learner):
            if attack in QUERY_ATTACKS:
                rng = seeds.generator(seed, *stream, "attack", n, attack)
                guess = query_reconstruct(learner, y_train, n, d, attack, rng)
            else:
                guess = reconstruct(problem, learner, theta, n)
            row = {"n": n, "seed": int(index), "attack": attack, "test_error": err, "membership_advantage": adv}
            for g, (count, errors) in attack_stats(problem, guess, theta, x_train, y_train, n).items():
                row[f"components_g{g}"] = count
                row[f"errors_g{g}"] = errors
            rows.append(row)
    return models, pd.DataFrame(rows)


def save_models(path, models_by_index: dict) -> None:
    """All fitted learners of one (problem, learner) as arrays keyed ``seed<index>/n<n>/<name>``, atomically."""
    from ..io import atomic_path

    arrays = {
        f"seed{index}/n{n}/{key}": np.asarray(value)
        for index, models in models_by_index.items()
        for n, learner in models.items()
        for key, value in learner.arrays().items()
    }
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
