"""Certified lower bounds on I(S; M | theta) from attack statistics, and the black-box tables.

For learners whose memorization has no closed form, I(S; M | theta) is certified from below by an
attack that reconstructs each training example's coordinates from (M, theta) (docs/science.md
section 5): Fano per binary component, 1/2 log2(v / mse) per Gaussian component, superadditivity
over the independent components, and concavity (Jensen) within each group of components with the
same conditional entropy (or variance), so pooled error rates give a valid bound. The problem
classes supply the groups and the per-group bound (:mod:`memtrade.problems`).

The bound holds whatever the learner is; it is only as tight as the attack. Error rates are pooled
over components and seeds; the interval comes from a bootstrap over seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import seeds


def _group_arrays(frame: pd.DataFrame, groups) -> tuple[np.ndarray, np.ndarray]:
    """Per seed (row) and group: components and errors, shape (rows, groups); absent groups are 0."""

    def column(name):
        return frame[name].fillna(0).to_numpy(float) if name in frame else np.zeros(len(frame))

    comps = np.stack([column(f"components_g{k}") for k in groups], axis=1)
    errs = np.stack([column(f"errors_g{k}") for k in groups], axis=1)
    return comps, errs


def certified_bits(problem, components: np.ndarray, errors: np.ndarray) -> np.ndarray:
    """Certified bits of pooled attack statistics: the sum over groups of the problem's per-group bound.

    ``components`` and ``errors`` have the groups of ``problem.group_constants()`` on their last axis
    (totals over the pooled seeds); groups with no components contribute 0. Broadcasts over the
    leading axes.
    """
    total = np.zeros(np.shape(components)[:-1])
    for j, constant in enumerate(problem.group_constants().values()):
        c, e = components[..., j], errors[..., j]
        total = total + np.where(c > 0, problem.certified_bits(np.where(c > 0, c, 1.0), e, constant), 0.0)
    return total


def certify_table(problem, stats: pd.DataFrame, boot: int, rng: np.random.Generator) -> pd.DataFrame:
    """Per (n, attack): mean test error, certified bits per model with a bootstrap interval over seeds, side metrics.

    Returns one row per (n, attack) with ``certified_bits`` (the smaller of the point estimate and
    the 2.5 % bootstrap quantile: the conservative value), ``certified_bits_estimate`` (the point
    estimate), ``certified_bits_hi`` (the larger of the point estimate and the 97.5 % quantile), all
    in bits per model, ``attack_error`` (the error rate on the problem's informative group) and the
    means of ``test_error`` and ``membership_advantage``.
    """
    groups = list(problem.group_constants())
    rows = []
    order = {a: i for i, a in enumerate(dict.fromkeys(stats["attack"]))}
    for (n, attack), g in sorted(stats.groupby(["n", "attack"]), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        seeds_ = len(g)
        comps, errs = _group_arrays(g, groups)
        point = float(certified_bits(problem, comps.sum(axis=0), errs.sum(axis=0))) / seeds_
        pick = rng.integers(0, seeds_, size=(boot, seeds_))
        boots = certified_bits(problem, comps[pick].sum(axis=1), errs[pick].sum(axis=1)) / seeds_
        k = groups.index(problem.informative_group)
        rows.append(
            {
                "n": int(n),
                "attack": attack,
                "seeds": seeds_,
                "test_error": float(g["test_error"].mean()),
                "test_error_se": float(g["test_error"].std(ddof=1) / np.sqrt(seeds_)) if seeds_ > 1 else np.nan,
                "certified_bits": min(point, float(np.quantile(boots, 0.025))),
                "certified_bits_estimate": point,
                "certified_bits_hi": max(point, float(np.quantile(boots, 0.975))),
                "attack_error": float(errs[:, k].sum() / comps[:, k].sum()) if comps[:, k].sum() > 0 else np.nan,
                "membership_advantage": float(g["membership_advantage"].mean()),
            }
        )
    return pd.DataFrame(rows)


def blackbox_table(problem, stats_by_learner: dict, boot: int, seed: int) -> pd.DataFrame:
    """One row per (learner, n, attack): certified bits with interval, test error, the SDPI bound at that error.

    Parameters
    ----------
    problem : a problem of :mod:`memtrade.problems`
    stats_by_learner : dict
        Learner name -> the statistics of :func:`memtrade.blackbox.attack.run_learner` over seeds.
    boot : int
        Bootstrap replicates over seeds.
    seed : int
        The run seed (bootstrap stream ("blackbox", "bootstrap", problem, learner)).

    For the ``natural`` learner the exact memorization (``exact_bits``) is known and added; a
    certified bound above it is a bug and raises :class:`memtrade.aggregate.InvariantViolation`.
    """
    from ..aggregate import InvariantViolation
    from ..bounds import lower_bound_bits
    from ..exact import memorization_bits
    from ..learners import REFERENCE
    from ..sdpi import constants

    frames = []
    for learner, stats in stats_by_learner.items():
        t = certify_table(problem, stats, boot, seeds.generator(seed, "blackbox", "bootstrap", problem.name, learner))
        t.insert(0, "learner", learner)
        t.insert(0, "d", problem.d)
        t.insert(0, "problem", problem.name)
        t["lower_bound_bits"] = [
            float(lower_bound_bits(constants(problem, int(n))["F"], e))
            for n, e in zip(t["n"], t["test_error"], strict=True)
        ]
        t["exact_bits"] = [
            memorization_bits(REFERENCE[problem.name](problem, int(n), problem.d)) if learner == "natural" else np.nan
            for n in t["n"]
        ]
        frames.append(t)
    table = pd.concat(frames, ignore_index=True)
    bad = table[table["certified_bits"] > table["exact_bits"] * (1 + 1e-12)]
    if len(bad):
        raise InvariantViolation("certified bound above the exact memorization (a bug):\n" + bad.to_string())
    return table
