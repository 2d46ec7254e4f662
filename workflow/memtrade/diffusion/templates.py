"""The diffusion stage's template job as a library call: the two-region colored templates over
model sizes (their two passes, every seed side by side) and FB-Mem before and after the per-region
pruning. Returns tidy frames; the rule script only reads and writes.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .. import seeds
from ..jaxpin import jax
from . import data, fbmem, metrics, models
from .experiment import buckets, coarse_sizes, grid_of, schedule, train_replicates

log = logging.getLogger(__name__)


def _template_baselines(tpl, n_sizes):
    """The ground-truth (generalizing) and memorizing two-region template models, as one batch."""
    n, channels, p = tpl.x_train.shape
    k = len(tpl.templates)
    truth = {
        "templates": tpl.templates[None],
        "regions": tpl.masks[None].astype(float),
        "fg_colors": np.zeros((1, k, channels)),
        "bg_colors": np.zeros((1, k, channels)),
        "std": np.full(1, np.sqrt(tpl.var)),
    }
    memo = {
        "templates": tpl.templates[tpl.y_train][None],
        "regions": tpl.masks[tpl.y_train][None].astype(float),
        "fg_colors": tpl.fg_colors[:n][None],
        "bg_colors": tpl.bg_colors[:n][None],
        "std": np.zeros(1),
    }
    return (truth, np.ones((1, k), bool)), (memo, np.ones((1, n), bool))


def _template_losses(settings, tpl, out, masks, seed, r):
    """Mean training loss over the grid (their equal weights) of every trained model and of the
    ground-truth and memorizing models on the same draws: (trained [models], ground truth, memorizing)."""
    ts = grid_of(settings)
    every = models.stack((out, masks), *_template_baselines(tpl, len(masks)))
    key = jax.random.PRNGKey(seeds.integer(seed, "diffusion", "templates", "loss", r))
    lt = models.losses_per_t("template", every[0], every[1], tpl.x_train, ts, settings["eval_draws"], key).mean(1)
    return lt[: len(masks)], float(lt[-2]), float(lt[-1])


def _template_samples(settings, seed, r, group, shape):
    return np.stack(
        [
            seeds.generator(seed, "diffusion", "templates", "samples", r, m).standard_normal(
                (settings["samples"],) + shape
            )
            for m in group
        ]
    )


def _fb_row(r, m, n, stage, res, kept):
    return {
        "seed": r,
        "m": m,
        "m_over_n": m / n,
        "mitigation": stage,
        "components": int(kept.any(-1).sum()),
        "foreground_units": int(kept[:, 0].sum()),
        "background_units": int(kept[:, 1].sum()),
        "global_mem": float(res["memorized"].mean()),
        "foreground_mem": float(res["foreground_memorized"].mean()),
        "background_mem": float(res["background_memorized"].mean()),
        "foreground_matches": float(res["foreground_matches"].mean()),
        "background_matches": float(res["background_matches"].mean()),
    }


def _template_pass(settings, tpls, sizes, seed, phase):
    """Train, sample, prune and score every (seed, size) of one pass of the template sweep: the
    sizes of each padding bucket for every seed at once (each on its own data), one training batch.
    Returns (model rows, FB-Mem rows, gallery candidates {seed: (m, before, after)})."""
    tset = settings["templates"]
    ts = grid_of(settings)
    sched = schedule({"train": tset["train"]})
    n = tset["n"]
    threshold, match = settings["threshold"], tset["match"]
    replicates = sorted(tpls)
    xs = np.stack([tpls[r].x_train for r in replicates])
    rows, fb_rows, samples = [], [], {}
    for pad, group in sorted(buckets(sizes, n).items()):
        batches = [
            models.template_pmem(
                seeds.generator(seed, "diffusion", "templates", "init", r, phase, pad),
                tpls[r],
                group,
                pad,
                tset["init_var"],
            )
            for r in replicates
        ]
        params, masks = models.stack(*batches)
        key = seeds.integer(seed, "diffusion", "templates", "noise", phase, pad)
        trained = train_replicates(
            "template", params, masks, key, xs, ts, sched, replicates, len(group), f"templates {phase}", "components"
        )
        for r, p_r, m_r, trace in trained:
            tpl = tpls[r]
            eval_loss, truth_loss, memo_loss = _template_losses(settings, tpl, p_r, m_r, seed, r)
            x_init = _template_samples(settings, seed, r, group, tpl.x_train.shape[1:])
            gen = models.sample("template", p_r, m_r, x_init, ts)
            probe = seeds.integer(seed, "diffusion", "templates", "probe", r, phase, pad)
            keep = fbmem.mitigate(p_r, m_r, tpl.x_train, ts, tset["mitigation"], probe)
            gen_after = models.sample("template", *fbmem.prune(p_r, m_r, keep), x_init, ts)
            train_masks = tpl.masks[tpl.y_train]
            for j, m in enumerate(group):
                before = metrics.region_memorization(gen[j], tpl.x_train, train_masks, threshold, match)
                after = metrics.region_memorization(gen_after[j], tpl.x_train, train_masks, threshold, match)
                rows.append(
                    {
                        "seed": r,
                        "m": m,
                        "m_over_n": m / n,
                        "phase": phase,
                        "steps": sched.steps,
                        "memorization_ratio": float(before["memorized"].mean()),
                        "learned_std": float(abs(p_r["std"][j])),
                        "true_std": float(np.sqrt(tpl.var)),
                        "final_loss": float(trace["final_loss"][j]),
                        "loss_drift": float(trace["loss_drift"][j]),
                        "final_grad_norm": float(trace["final_grad_norm"][j]),
                        "grad_norm_drift": float(trace["grad_norm_drift"][j]),
                        "eval_loss": float(eval_loss[j]),
                        "ground_truth_loss": truth_loss,
                        "memorizing_loss": memo_loss,
                        "batch_models": trace["batch_models"],
                    }
                )
                every = np.ones((masks.shape[1], 2), bool) & m_r[j][:, None]
                fb_rows.append(_fb_row(r, m, n, "before", before, every))
                fb_rows.append(_fb_row(r, m, n, "after", after, keep[j]))
                samples[(r, m)] = (gen[j], gen_after[j])
    return rows, fb_rows, samples


def templates_run(settings: dict, seed: int):
    """The two-region colored templates: their two passes over model sizes (the first every
    ``coarse_step`` N, the second inside the window of the seeds' mean global memorization), every
    seed trained side by side; per model the memorization ratio and training evidence, and FB-Mem
    before and after the per-region pruning.

    Returns (models, fbmem, gallery) where gallery holds generated samples and their nearest
    training images, before and after pruning, of seed 0's model whose global memorization before
    pruning is nearest 1/2 (the smallest such M).
    """
    tset = settings["templates"]
    n = tset["n"]
    tpls = {
        r: data.colored_templates(
            data.stream(seed, "templates", r), tset["k"], n, settings["n_val"], tset["ink"], tset["background"]
        )
        for r in range(tset["seeds"])
    }
    coarse = coarse_sizes(n, tset["coarse_step"])
    rows, fb_rows, samples = _template_pass(settings, tpls, coarse, seed, "coarse")
    mean = pd.DataFrame(rows).groupby("m")["memorization_ratio"].mean()
    start, end = metrics.window(mean.index, mean.to_numpy(), settings["delta"])
    fine = [m for m in metrics.refine(start, end, tset["coverage"]) if m not in coarse] if tset["coverage"] else []
    if fine:
        more = _template_pass(settings, tpls, fine, seed, "fine")
        rows, fb_rows = rows + more[0], fb_rows + more[1]
        samples.update(more[2])
    frame = pd.DataFrame(rows).sort_values(["seed", "m"], kind="stable").reset_index(drop=True)
    fb = pd.DataFrame(fb_rows).sort_values(["seed", "m"], kind="stable").reset_index(drop=True)
    before = fb[(fb["seed"] == 0) & (fb["mitigation"] == "before")]
    m = int(before["m"].to_numpy()[np.argmin(np.abs(before["global_mem"].to_numpy() - 0.5), axis=0)])
    gen, gen_after = samples[(0, m)]
    x = tpls[0].x_train
    gallery = {
        "m": np.array(m),
        "generated": gen,
        "nearest": x[metrics.nn_ratio(gen, x)[1]],
        "generated_after": gen_after,
        "nearest_after": x[metrics.nn_ratio(gen_after, x)[1]],
        "templates": tpls[0].templates,
        "masks": tpls[0].masks,
        "shape": np.array(tpls[0].shape),
    }
    return frame, fb, gallery
