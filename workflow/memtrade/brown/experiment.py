"""Brown et al. (STOC 2021) synthetic experiment, as their public code runs it (docs/science.md, section 6).

Data (their ``base_utils.py``): N subpopulations of the subcube model; subpopulation i fixes
Binomial(d, rho) coordinates at uniformly random positions to uniform +-1 values, every other
coordinate of an example is a fresh uniform +-1. A protocol sets the labels and frequencies:

- ``labels: subpopulation`` (their code): the label of an example is its subpopulation index;
  ``labels: <k>`` (ablation): each subpopulation carries one of k shared class labels;
- ``frequencies: uniform`` (their code) or ``{zipf: a}`` (ablation): p_i proportional to i^-a.

Test sets of ``test_size`` examples: fresh i.i.d. examples, examples of subpopulations represented
in training, and examples of singleton subpopulations (both drawn uniformly among those).

Training (their ``main.py``): full-batch Nesterov SGD on the mean NLL of a log-softmax model
(:mod:`memtrade.nets`), optionally with the singletons appended once more (upsampling), with an
optional step learning-rate decay. Metrics are taken every ``eval_every`` steps, before the update
(logistic) or after it (MLP), as in their loops; ``step`` in the outputs counts updates done.
At each metric checkpoint (every ``attack_every``-th), a query-only attack
(:mod:`memtrade.attacks`) reconstructs singletons from their labels, and we count the coordinates
it recovers: all d (their number), the subpopulation's fixed ones, and the free ones.

Certified memorization per singleton: given theta and all labels, the free coordinates of a
singleton are independent fair bits; Fano per coordinate and superadditivity give
I(S; M | theta) >= sum over singletons and free coordinates of 1 - h2(p), and by convexity the
pooled error rate p gives a valid bound (docs/science.md, section 5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import seeds
from ..attacks import coordinate_ascent, sign_attack
from ..info import fano_bits
from ..intervals import t_interval
from .nets import NesterovSGD, SoftmaxNet


def subcube_rate(n: int, d: int, a: float) -> float:
    """rho = sqrt((2 ln(a 0.368 n) - ln ln n) / d), the fixing probability of Brown et al.'s code."""
    return float(np.sqrt((2 * np.log(a * 0.368 * n) - np.log(np.log(n))) / d))


def _signs(rng, shape) -> np.ndarray:
    return np.where(rng.random(shape) < 0.5, -1, 1).astype(np.int8)


def dataset_stream(protocol: str, index: int) -> tuple:
    """The seed-stream names of dataset ``index`` of a protocol (:mod:`memtrade.seeds`)."""
    return ("brown", "dataset", protocol, int(index))


def make_dataset(cfg: dict, protocol: dict, rng: np.random.Generator) -> dict:
    """One instance and its training and test sets.

    Parameters
    ----------
    cfg : dict
        ``n``, ``d``, ``subpopulations``, ``a`` and ``test_size`` of the config's ``brown`` section.
    protocol : dict
        ``labels`` and ``frequencies`` of one protocol.
    rng : numpy.random.Generator
        The stream of :func:`dataset_stream`.

    Returns
    -------
    dict of arrays
        ``x`` (n, d) in {-1, +1} as int8, ``y``, ``sub`` (subpopulation of each example), ``fixed``,
        ``values``, ``labels`` (per subpopulation), ``classes``, ``singleton``, ``rho``, and
        ``x_<test>``, ``y_<test>`` for the test sets fresh, represented and singletons.
    """
    n, d, N, m = cfg["n"], cfg["d"], cfg["subpopulations"], cfg["test_size"]
    rho = subcube_rate(n, d, cfg["a"])
    # Binomial(d, rho) fixed coordinates at uniformly random positions, uniform values
    num_fixed = np.minimum(rng.binomial(d, rho, size=N), d)
    rank = np.argsort(rng.random((N, d)), axis=1).argsort(axis=1)
    fixed = rank < num_fixed[:, None]
    values = _signs(rng, (N, d))
    if protocol["labels"] == "subpopulation":
        labels, classes = np.arange(N), N
    else:
        classes = int(protocol["labels"])
        labels = rng.integers(0, classes, size=N)
    freq = protocol["frequencies"]
    p = None if freq == "uniform" else np.arange(1, N + 1, dtype=float) ** -float(freq["zipf"])
    p = None if p is None else p / p.sum()
    sub = rng.choice(N, size=n, p=p)

    def sample(which):
        return np.where(fixed[which], values[which], _signs(rng, (len(which), d))).astype(np.int8)

    counts = np.bincount(sub, minlength=N)
    represented, single_pops = np.flatnonzero(counts > 0), np.flatnonzero(counts == 1)
    tests = {
        "fresh": rng.choice(N, size=m, p=p),
        "represented": rng.choice(represented, size=m),
        "singletons": rng.choice(single_pops, size=m) if len(single_pops) else np.zeros(0, int),
    }
    data = {
        "x": sample(sub),
        "y": labels[sub],
        "sub": sub,
        "fixed": fixed,
        "values": values,
        "labels": labels,
        "classes": np.array([classes]),
        "singleton": counts[sub] == 1,
        "rho": np.array([rho]),
    }
    for name, which in tests.items():
        data[f"x_{name}"], data[f"y_{name}"] = sample(which), labels[which]
    return data


def _checkpoints(mcfg: dict) -> list[tuple[int, int]]:
    """(loop index t, updates done at the evaluation) for every metric checkpoint of the loop."""
    every, steps, after = mcfg["eval_every"], mcfg["steps"], mcfg["eval_after_step"]
    return [(t, t + 1 if after else t) for t in range(0, steps, every)]


def _attack(mcfg: dict, net, labels, d: int, rng) -> np.ndarray:
    if mcfg["attack"] == "sign":
        return sign_attack(net.queries(), labels, d, rng, repeats=mcfg["repeats"])
    return coordinate_ascent(net.queries(), labels, d, rng, max_sweeps=mcfg["max_sweeps"])[0]


def train_and_attack(mcfg: dict, data: dict, seed: int, stream: tuple) -> pd.DataFrame:
    """Train one model on one dataset; one row of error rates and attack counts per metric checkpoint.

    Parameters
    ----------
    mcfg : dict
        One model's settings (the config's ``brown.models.<model>`` without ``resources``).
    data : dict
        A dataset of :func:`make_dataset`.
    seed : int
        The run seed. The initialisation draws from ``(*stream, "init")`` and the attack at a
        checkpoint from ``(*stream, "attack", updates)`` (:mod:`memtrade.seeds`).
    stream : tuple
        The names of this training run, for example ("brown", protocol, model, index).

    Returns
    -------
    pandas.DataFrame
        Per checkpoint: ``step`` (updates done), ``train_loss`` (nats), error rates, and the attack's
        counts of fixed and free coordinates in total and recovered.
    """
    rng = seeds.generator(seed, *stream, "init")
    x, y = data["x"].astype(np.float32), data["y"]
    d, C = x.shape[1], int(data["classes"][0])
    single = np.flatnonzero(data["singleton"])
    x_fit, y_fit = (np.vstack([x, x[single]]), np.concatenate([y, y[single]])) if mcfg["upsample"] else (x, y)
    net = SoftmaxNet(d, C, mcfg["hidden"], rng)
    opt = NesterovSGD(net.params, mcfg["lr"], mcfg["momentum"])
    decay = mcfg.get("lr_decay") or {"from_step": mcfg["steps"], "factor": 1.0}
    k = mcfg["attack_singletons"]
    targets = single if k == "all" else single[:k]
    fixed = data["fixed"][data["sub"][targets]]
    checkpoints = _checkpoints(mcfg)
    attack_at = {c for i, (_, c) in enumerate(checkpoints) if i % mcfg["attack_every"] == 0} | {checkpoints[-1][1]}
    rows = []

    def evaluate(updates, loss):
        row = {"step": updates, "train_loss": loss, "train_error": float(np.mean(net.predict(x) != y))}
        for name in ("fresh", "represented", "singletons"):
            xt, yt = data[f"x_{name}"], data[f"y_{name}"]
            row[f"{name}_error"] = float(np.mean(net.predict(xt) != yt)) if len(yt) else np.nan
        row.update(singletons=len(single), attacked=0, fixed_total=0, fixed_correct=0, free_total=0, free_correct=0)
        if updates in attack_at and len(targets):
            guess = _attack(mcfg, net, y[targets], d, seeds.generator(seed, *stream, "attack", updates))
            right = guess == data["x"][targets]
            row.update(
                attacked=len(targets),
                fixed_total=int(fixed.sum()),
                fixed_correct=int((right & fixed).sum()),
                free_total=int((~fixed).sum()),
                free_correct=int((right & ~fixed).sum()),
            )
        rows.append(row)

    every, after = mcfg["eval_every"], mcfg["eval_after_step"]
    for t in range(mcfg["steps"]):
        loss, grads = net.loss_and_grads(x_fit, y_fit)
        if not after and t % every == 0:
            evaluate(t, loss)
        opt.step(grads, decay["factor"] if t >= decay["from_step"] else 1.0)
        if after and t % every == 0:
            evaluate(t + 1, loss)
    return pd.DataFrame(rows)


def summarize(stats: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per (protocol, model, step): means over seeds with Student-t intervals; certified bits per singleton.

    The certified value uses the end of the interval of the free-coordinate error rate that is
    closest to 1/2 (zero if the interval contains 1/2), so it is the conservative end.
    """
    rows = []
    keys = ["protocol", "model", "attack", "step"]
    for key, g in stats.groupby(keys, sort=True):
        row = dict(zip(keys, key, strict=True))
        row.update(seeds=len(g), singletons_per_seed=float(g["singletons"].mean()))
        row["attacked_per_seed"] = float(g["attacked"].mean())
        for col in ("train_error", "fresh_error", "represented_error", "singletons_error"):
            row[col], row[f"{col}_lo"], row[f"{col}_hi"] = t_interval(g[col], level, clip=(0.0, 1.0))
        a = g[g["attacked"] > 0]
        if len(a):
            for part, total, correct in (
                ("all", a["fixed_total"] + a["free_total"], a["fixed_correct"] + a["free_correct"]),
                ("fixed", a["fixed_total"], a["fixed_correct"]),
                ("free", a["free_total"], a["free_correct"]),
            ):
                row[f"recovery_{part}"], row[f"recovery_{part}_lo"], row[f"recovery_{part}_hi"] = t_interval(
                    correct / total, level, clip=(0.0, 1.0)
                )
            free = a["free_total"].sum() / a["attacked"].sum()
            p = 1.0 - a["free_correct"].sum() / a["free_total"].sum()
            _, p_lo, p_hi = t_interval(1.0 - a["free_correct"] / a["free_total"], level, clip=(0.0, 1.0))
            if np.isnan(p_lo):
                worst = np.nan
            elif p_lo <= 0.5 <= p_hi:
                worst = 0.5
            else:
                worst = p_hi if p_hi < 0.5 else p_lo
            row["free_coordinates_per_singleton"] = float(free)
            # Fano per free coordinate (a fair bit) at the pooled error rate; symmetric in p
            row["certified_bits_per_singleton_estimate"] = float(fano_bits(free, p))
            row["certified_bits_per_singleton"] = np.nan if np.isnan(worst) else float(fano_bits(free, worst))
            row["certified_bits_per_model"] = row["certified_bits_per_singleton"] * row["singletons_per_seed"]
        rows.append(row)
    return pd.DataFrame(rows)
