"""The diffusion stage's tidy tables from the jobs' per-model rows (no JAX). Columns: docs/outputs.md."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..intervals import summarize
from . import metrics, process, theory

POINT = ["d", "k", "n"]


def summary(models: pd.DataFrame, level: float) -> pd.DataFrame:
    """Memorization ratio and learned std per (sweep point, M): mean over seeds and t-intervals."""
    out = summarize(
        models, POINT + ["m"], ["memorization_ratio", "learned_std"], level, clip={"memorization_ratio": (0, 1)}
    )
    out.insert(4, "m_over_n", out["m"] / out["n"])
    return out


def _violations(g: pd.DataFrame) -> int:
    """Consecutive sizes where the later interval lies wholly below the earlier one (a drop beyond noise)."""
    g = g.sort_values("m")
    return int((g["memorization_ratio_hi"].to_numpy()[1:] < g["memorization_ratio_lo"].to_numpy()[:-1]).sum())


def _crosses(ratios, level: float) -> bool:
    """Whether the mean ratio over ascending sizes crosses ``level`` upward between two sizes."""
    r = np.asarray(ratios, float)
    return bool(((r[:-1] < level) & (level <= r[1:])).any())


def exact_crossover(loss_table: pd.DataFrame, d: int, k: int, n: int) -> float:
    """M*/N from exact losses: where the partly memorizing denoiser (empirical on M random training
    points) reaches the ground-truth denoiser's training loss, both evaluated numerically on the
    training set at the training weighting (the ε-prediction loss, equal weights over the time
    grid), linear in M/N between the trained sizes; NaN when it never does on the grid."""
    t = loss_table[(loss_table["d"] == d) & (loss_table["k"] == k) & (loss_table["n"] == n)]
    t = t[t["split"] == "train"]
    truth = t.loc[t["model"] == "ground_truth", "loss"].mean()
    partial = t[t["model"] == "partial_mem"].groupby("m")["loss"].mean().sort_index()
    if partial.empty or not np.isfinite(truth):
        return float("nan")
    x, gap = partial.index.to_numpy(float) / n, partial.to_numpy() - truth
    below = np.flatnonzero(gap <= 0)
    if below.size == 0:
        return float("nan")
    i = below[0]
    if i == 0:
        return float(x[0])
    return float(x[i - 1] + (x[i] - x[i - 1]) * gap[i - 1] / (gap[i - 1] - gap[i]))


def windows(summ: pd.DataFrame, models: pd.DataFrame, settings: dict, loss_table: pd.DataFrame) -> pd.DataFrame:
    """Per sweep point: the measured window (their rule on the mean ratio) and whether the ratio
    really crosses both ends (``crosses_low``, ``crosses_high``: otherwise the window's end is the
    grid's, a fallback), the predicted M*/N under each registered reading (ε-prediction weighting,
    x₀ units, exact losses), whether the window widened by one coarse grid step holds the
    ε-prediction, the monotonicity check and the number of models trained beside the largest M
    (timings are in the jobs' logs, not in tables)."""
    ts = process.grid(settings["times"]["t_min"], settings["times"]["t_max"], settings["times"]["count"])
    rows = []
    for (d, k, n), g in summ.groupby(POINT, sort=True):
        g = g.sort_values("m")
        start, end = metrics.window(g["m"], g["memorization_ratio"], settings["delta"])
        step = settings["coarse_step"]
        pred = theory.crossover(ts, settings["component_var"], "eps")
        largest = models[(models["d"] == d) & (models["k"] == k) & (models["n"] == n)]
        largest = largest[largest["m"] == largest["m"].max()]
        rows.append(
            {
                "d": d,
                "k": k,
                "n": n,
                "window_start": start / n,
                "window_end": end / n,
                "grid_step": step,
                "predicted": pred,
                "predicted_x0": theory.crossover(ts, settings["component_var"], "x0"),
                "predicted_exact": exact_crossover(loss_table, d, k, n),
                "predicted_m": pred * n,
                "crosses_low": _crosses(g["memorization_ratio"], settings["delta"]),
                "crosses_high": _crosses(g["memorization_ratio"], 1 - settings["delta"]),
                "within_one_step": bool(start / n - step - 1e-12 <= pred <= end / n + step + 1e-12),
                "monotone_violations": _violations(g),
                "sizes": len(g),
                "batch_models": int(largest["batch_models"].max()),
            }
        )
    return pd.DataFrame(rows)


def losses(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-t losses averaged over seeds per (sweep point, model, M, split, t)."""
    g = frame.groupby(POINT + ["model", "m", "split", "t"], sort=True)["loss"]
    out = g.agg(loss="mean", seeds="count").reset_index()
    out.insert(5, "m_over_n", out["m"] / out["n"])
    return out


def ablation(base: pd.DataFrame, doubled: pd.DataFrame, settings: dict, level: float) -> pd.DataFrame:
    """The window with the configured steps against twice the steps, on the ablation's sweep point,
    both on the seeds the doubled run trained (diffusion.ablation.seeds)."""
    base = base[base["seed"].isin(doubled["seed"].unique())]
    rows = []
    for label, frame in (("configured", base), ("doubled", doubled)):
        frame = frame[frame["phase"] == "coarse"]
        s = summary(frame, level)
        start, end = metrics.window(s["m"], s["memorization_ratio"], settings["delta"])
        n = int(s["n"].iloc[0])
        rows.append(
            {
                "d": int(s["d"].iloc[0]),
                "k": int(s["k"].iloc[0]),
                "n": n,
                "steps": int(frame["steps"].iloc[0]),
                "run": label,
                "window_start": start / n,
                "window_end": end / n,
                "mean_ratio": float(s["memorization_ratio"].mean()),
            }
        )
    out = pd.DataFrame(rows)
    step = settings["coarse_step"]
    shift = (out[["window_start", "window_end"]].diff().iloc[1].abs() / step).max()
    out["shift_grid_steps"] = float(np.round(shift, 10))
    return out


def templates(models: pd.DataFrame, level: float) -> pd.DataFrame:
    """The template models per size, means over seeds with intervals: memorization ratio (and its
    lowest seed's), learned colour std, trained, ground-truth and memorizing losses, loss drift."""
    cols = ["memorization_ratio", "learned_std", "eval_loss", "ground_truth_loss", "memorizing_loss", "loss_drift"]
    out = summarize(models, ["m"], cols, level, clip={"memorization_ratio": (0, 1)})
    out.insert(1, "m_over_n", models.groupby("m")["m_over_n"].first().to_numpy())
    out["memorization_ratio_min"] = models.groupby("m")["memorization_ratio"].min().to_numpy()
    return out


FB_COLS = ["global_mem", "foreground_mem", "background_mem", "foreground_matches", "background_matches"]


def fbmem(frame: pd.DataFrame, level: float) -> pd.DataFrame:
    """FB-Mem per (M, before/after mitigation), and per M the falls and their paired difference."""
    out = summarize(frame, ["m", "mitigation"], FB_COLS + ["components", "foreground_units", "background_units"], level)
    wide = frame.pivot_table(index=["m", "seed"], columns="mitigation", values=FB_COLS)
    falls = pd.DataFrame(
        {
            "foreground_fall": wide[("foreground_mem", "before")] - wide[("foreground_mem", "after")],
            "background_fall": wide[("background_mem", "before")] - wide[("background_mem", "after")],
            "global_fall": wide[("global_mem", "before")] - wide[("global_mem", "after")],
        }
    ).reset_index()
    falls["background_minus_foreground_fall"] = falls["background_fall"] - falls["foreground_fall"]
    f = summarize(
        falls, ["m"], ["global_fall", "foreground_fall", "background_fall", "background_minus_foreground_fall"], level
    )
    f["mitigation"] = "fall"
    out = pd.concat([out, f], ignore_index=True).sort_values(["m", "mitigation"], kind="stable")
    out["level"] = level
    return out.reset_index(drop=True)
