"""The diffusion stage's crossover jobs as library calls (one sweep point of Buchanan et al.'s GMM
sweep), and the schedule, grid and size helpers both sweeps share (the templates and FB-Mem:
:mod:`.templates`). Each returns tidy frames; the rule scripts only read and write.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .. import seeds
from ..jaxpin import jax
from . import data, metrics, models, process, theory
from .train import Schedule, train

log = logging.getLogger(__name__)


def schedule(settings: dict, steps_factor: int = 1) -> Schedule:
    """The training schedule of a ``train`` settings section, with ``steps_factor`` times the steps."""
    t = settings["train"]
    return Schedule(
        steps=int(t["steps"]) * steps_factor,
        peak_lr=float(t["peak_lr"]),
        final_lr=float(t["final_lr"]),
        warmup=float(t["warmup"]),
        b1=float(t["adam_b1"]),
        b2=float(t["adam_b2"]),
        eps=float(t["adam_eps"]),
        clip=float(t["clip"]),
        ema=float(t["ema"]),
        draws=int(t["draws"]),
        times=str(t["times"]),
    )


def grid_of(settings: dict) -> np.ndarray:
    """The time grid of the ``times`` settings."""
    g = settings["times"]
    return process.grid(g["t_min"], g["t_max"], g["count"])


def coarse_sizes(n: int, fraction_step: float) -> list[int]:
    """N/10, 2N/10, ..., N (their first pass)."""
    step = max(int(round(n * fraction_step)), 1)
    return list(range(step, n + 1, step))


MIN_PAD = 32


def buckets(sizes, n: int) -> dict[int, list[int]]:
    """Sizes grouped by the padded size they train at: the smallest of N, N/2, N/4, ... (not below
    ``MIN_PAD``, where a compilation costs more than the padding) that holds them. Padding every
    model to N would cost up to twice the arithmetic."""
    out: dict[int, list[int]] = {}
    for m in sizes:
        pad = n
        while pad // 2 >= max(m, MIN_PAD):
            pad //= 2
        out.setdefault(pad, []).append(m)
    return out


def _train_sizes(settings, mix, sizes, replicates, seed, point, phase, steps_factor):
    """Train every (replicate, size) of one pass: the sizes of each padding bucket, for every
    replicate at once (each on its own data), as one training batch. Returns
    ([(replicate, params, masks, trace)], schedule); the seconds per step go to the log."""
    ts = grid_of(settings)
    sched = schedule(settings, steps_factor)
    xs = np.stack([mix[r].x_train for r in replicates])
    rngs = {r: seeds.generator(seed, "diffusion", "init", *point, r, phase) for r in replicates}
    trained = []
    for pad, group in sorted(buckets(sizes, xs.shape[1]).items()):
        batches = [models.gmm_pmem(rngs[r], mix[r].x_train, group, pad, settings["init_var"]) for r in replicates]
        params, masks = models.stack(*batches)
        key = seeds.integer(seed, "diffusion", "noise", *point, phase, pad, steps_factor)
        label = f"{'_'.join(point)} {phase}"
        trained += train_replicates("gmm", params, masks, key, xs, ts, sched, replicates, len(group), label, "means")
    return trained, sched


def train_replicates(kind, params, masks, key, xs, ts, sched, replicates, per_replicate, label, unit):
    """Train one batch holding ``per_replicate`` models of each replicate (replicate i's on its
    own data ``xs[i]``) and split it back: [(replicate, params, masks, trace rows)]. The seconds per
    step go to the log (``label``, ``unit``: what a model is padded in), never into a table."""
    out, trace = train(kind, params, masks, key, xs, ts, sched, np.repeat(np.arange(len(replicates)), per_replicate))
    log.info(
        "timing %s: %d models padded to %d %s, %d steps, %.6f s per step",
        label,
        len(masks),
        masks.shape[1],
        unit,
        sched.steps,
        trace.seconds / sched.steps,
    )
    parts = []
    for i, r in enumerate(replicates):
        part = slice(i * per_replicate, (i + 1) * per_replicate)
        rows = {
            "final_loss": trace.final_loss[part],
            "loss_drift": trace.loss_drift[part],
            "final_grad_norm": trace.final_grad_norm[part],
            "grad_norm_drift": trace.grad_norm_drift[part],
            "batch_models": len(trace.final_loss),
        }
        parts.append((r, {k: v[part] for k, v in out.items()}, masks[part], rows))
    return parts


def _evaluate(settings, mix, trained, seed, point, phase):
    """Memorization ratio (DDIM samples) and learned std of every trained model."""
    ts = grid_of(settings)
    rows = []
    for r, out, masks, trace in trained:
        x = mix[r].x_train
        n_models = len(masks)
        sizes = masks.sum(1)
        x_init = np.stack(
            [
                seeds.generator(seed, "diffusion", "samples", *point, r, int(m)).standard_normal(
                    (settings["samples"], x.shape[1])
                )
                for m in sizes
            ]
        )
        gen = models.sample("gmm", out, masks, x_init, ts)
        for j in range(n_models):
            ratio, _ = metrics.nn_ratio(gen[j], x)
            rows.append(
                {
                    "seed": r,
                    "m": int(masks[j].sum()),
                    "phase": phase,
                    "memorization_ratio": float(np.mean(ratio < settings["threshold"])),
                    "learned_std": float(abs(out["std"][j])),
                    "true_std": float(np.sqrt(mix[r].var)),
                    "final_loss": float(trace["final_loss"][j]),
                    "loss_drift": float(trace["loss_drift"][j]),
                    "final_grad_norm": float(trace["final_grad_norm"][j]),
                    "grad_norm_drift": float(trace["grad_norm_drift"][j]),
                    "batch_models": trace["batch_models"],
                }
            )
    return rows


def crossover_point(settings: dict, d: int, k: int, n: int, seed: int, steps_factor: int = 1):
    """One sweep point (d, K, N): their two passes (coarse grid, then a finer grid inside the measured
    window), every model's memorization ratio, and the per-t losses of the trained and baseline models.

    Returns (models, losses) frames.
    """
    point = (f"d{d}", f"k{k}", f"n{n}")
    replicates = list(range(settings["seeds"]))
    mix = {
        r: data.gaussian_mixture(
            data.stream(seed, "gmm", *point, r), d, k, n, settings["n_val"], settings["component_var"]
        )
        for r in replicates
    }
    coarse = coarse_sizes(n, settings["coarse_step"])
    trained, sched = _train_sizes(settings, mix, coarse, replicates, seed, point, "coarse", steps_factor)
    rows = _evaluate(settings, mix, trained, seed, point, "coarse")
    frame = pd.DataFrame(rows)
    mean = frame.groupby("m")["memorization_ratio"].mean()
    start, end = metrics.window(mean.index, mean.to_numpy(), settings["delta"])
    fine = []
    if settings["coverage"] > 0:
        fine = [m for m in metrics.refine(start, end, settings["coverage"]) if m not in coarse]
    all_trained = list(trained)
    if fine:
        trained_fine, _ = _train_sizes(settings, mix, fine, replicates, seed, point, "fine", steps_factor)
        rows += _evaluate(settings, mix, trained_fine, seed, point, "fine")
        all_trained += trained_fine
    frame = pd.DataFrame(rows)
    frame.insert(0, "d", d)
    frame.insert(1, "k", k)
    frame.insert(2, "n", n)
    frame.insert(3, "steps", sched.steps)
    frame["m_over_n"] = frame["m"] / n
    losses = _losses(settings, mix, all_trained, seed, point, d, k, n)
    # every model's training loss beside the ground-truth and memorizing denoisers' on the same draws
    # (the mean over the time grid, their equal weights): the evidence that it reached its optimum
    per = losses[losses["split"] == "train"].groupby(["seed", "model", "m"])["loss"].mean()
    frame["eval_loss"] = [per[(r, "trained", m)] for r, m in zip(frame["seed"], frame["m"], strict=True)]
    frame["ground_truth_loss"] = [per[(r, "ground_truth", k)] for r in frame["seed"]]
    frame["memorizing_loss"] = [per[(r, "memorizing", n)] for r in frame["seed"]]
    return frame.sort_values(["seed", "m"], kind="stable").reset_index(drop=True), losses


def _losses(settings, mix, trained, seed, point, d, k, n):
    """Per-t training and validation losses of the trained models and of the baselines: memorizing
    (empirical on all N), ground truth, partly memorizing (empirical on M random training points), and
    the analytic approximations (memorizing plus the excess of docs/science.md §10)."""
    ts = grid_of(settings)
    draws = settings["eval_draws"]
    out = []
    for r, params, masks, _ in trained:
        sizes = masks.sum(1)
        mx = mix[r]
        rng = seeds.generator(seed, "diffusion", "baseline", *point, r)
        partial = np.zeros((len(sizes), n, d))
        for i, m in enumerate(sizes):
            partial[i, :m] = mx.x_train[rng.choice(n, int(m), replace=False)]
        base = {
            "memorizing": ({"means": mx.x_train[None], "std": np.zeros(1)}, np.ones((1, n), bool)),
            "ground_truth": (
                {"means": mx.means[None], "std": np.full(1, np.sqrt(mx.var))},
                np.ones((1, k), bool),
            ),
            "partial_mem": (
                {"means": partial, "std": np.zeros(len(sizes))},
                np.arange(n)[None, :] < sizes[:, None],
            ),
        }
        every = models.stack((params, masks), *base.values())
        for split, x in (("train", mx.x_train), ("val", mx.x_val)):
            key = jax.random.PRNGKey(seeds.integer(seed, "diffusion", "loss", *point, r, split))
            lt = models.losses_per_t("gmm", every[0], every[1], x, ts, draws, key)
            names = ["trained"] * len(sizes) + ["memorizing", "ground_truth"] + ["partial_mem"] * len(sizes)
            ms = list(sizes) + [n, k] + list(sizes)
            for name, m, row in zip(names, ms, lt, strict=True):
                out.append(pd.DataFrame({"seed": r, "model": name, "m": int(m), "split": split, "t": ts, "loss": row}))
            if split == "train":
                mem = lt[len(sizes)]
                psi = process.snr(ts)
                out.append(
                    pd.DataFrame(
                        {
                            "seed": r,
                            "model": "ground_truth_approx",
                            "m": k,
                            "split": split,
                            "t": ts,
                            "loss": mem + psi * theory.excess_generalizing(ts, d, mx.var),
                        }
                    )
                )
                for m in sizes:
                    out.append(
                        pd.DataFrame(
                            {
                                "seed": r,
                                "model": "partial_mem_approx",
                                "m": int(m),
                                "split": split,
                                "t": ts,
                                "loss": mem + psi * theory.excess_partial(ts, d, int(m), n, mx.var),
                            }
                        )
                    )
    frame = pd.concat(out, ignore_index=True)
    frame.insert(0, "d", d)
    frame.insert(1, "k", k)
    frame.insert(2, "n", n)
    frame["m_over_n"] = frame["m"] / n
    return frame.drop_duplicates(["seed", "model", "m", "split", "t"]).reset_index(drop=True)
