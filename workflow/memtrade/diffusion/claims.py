"""The diffusion laboratory's claim checks and gates (Buchanan et al.'s crossover, FB-Mem).

The gates decide whether the models were trained at all before any crossover claim is read: the
largest model (M = N) must memorize for every seed, and the smallest must have reached the
generalizing solution (its training loss near the ground-truth denoiser's, its learned standard
deviation near the truth). A window whose ratio never crosses 0.1 or 0.9 fails the claim: there is
no fallback to the grid's ends and no widening.
"""

from __future__ import annotations

import numpy as np

from ..claims import NotRun, check, gate

POINT = ["d", "k", "n"]


def _points(frame):
    return frame.groupby(POINT, sort=True)


@gate
def memorizes_at_full_size(tables, *, min_ratio):
    """At M = N every seed of every sweep point memorizes (ratio at least ``min_ratio``)."""
    m = tables.need("diffusion_models")
    full = m[m["m"] == m["n"]]
    if full.empty:
        return False, "no model with M = N"
    bad = full[full["memorization_ratio"] < min_ratio]
    reason = "; ".join(
        f"d={r.d} K={r.k} N={r.n} seed {r.seed}: ratio {r.memorization_ratio:.2f}" for r in bad.itertuples()
    )
    return bad.empty, f"at M = N, ratio below {min_ratio:g}: {reason}"


@gate
def generalizes_at_smallest_size(tables, *, max_loss_ratio, std_range):
    """At the smallest M of every sweep point the model reached the generalizing solution: its
    training loss (mean over seeds, summed over the time grid) at most ``max_loss_ratio`` times the
    ground-truth denoiser's on the same draws, and its mean learned std within ``std_range`` times
    the true component std."""
    models, losses = tables.need("diffusion_models"), tables.need("diffusion_losses")
    problems = []
    for (d, k, n), g in _points(models):
        small = g[g["m"] == g["m"].min()]
        std = small["learned_std"].mean() / small["true_std"].mean()
        lt = losses[(losses["d"] == d) & (losses["k"] == k) & (losses["n"] == n) & (losses["split"] == "train")]
        trained = lt[(lt["model"] == "trained") & (lt["m"] == small["m"].iloc[0])]["loss"].sum()
        truth = lt[lt["model"] == "ground_truth"]["loss"].sum()
        ratio = trained / truth if truth > 0 else np.inf
        if not (ratio <= max_loss_ratio and std_range[0] <= std <= std_range[1]):
            problems.append(
                f"d={d} K={k} N={n} M={int(small['m'].iloc[0])}: loss {ratio:.2f}x the ground truth's, "
                f"learned std {std:.2f}x the truth"
            )
    return not problems, "; ".join(problems) + f" (needs loss <= {max_loss_ratio:g}x, std in {list(std_range)})"


def _window_check(w, column: str, max_width: float):
    parts, ok = [], True
    for x in w.itertuples():
        pred = getattr(x, column)
        crossed = bool(x.crosses_low and x.crosses_high)
        width = x.window_end - x.window_start
        inside = bool(np.isfinite(pred) and x.window_start - 1e-12 <= pred <= x.window_end + 1e-12)
        ok &= crossed and width <= max_width + 1e-12 and inside
        where = f"window [{x.window_start:.2f}, {x.window_end:.2f}]" if crossed else "no crossing of 0.1 and 0.9"
        parts.append(f"d={x.d} K={x.k} N={x.n}: {where}, M*/N {pred:.4f}")
    return ok, "; ".join(parts)


@check
def window(tables, *, prediction, max_width):
    """Every sweep point: the mean ratio crosses 0.1 and 0.9 (no fallback), the window is at most
    ``max_width`` wide, and it holds the prediction in column ``prediction`` of diffusion_window."""
    w = tables.need("diffusion_window")
    ok, msg = _window_check(w, prediction, max_width)
    return ok, msg, f"every sweep point: a window of width <= {max_width:g} found without fallbacks holds {prediction}"


@check
def monotone(tables, *, max_drop):
    """Every sweep point: no consecutive size's mean ratio drops by more than ``max_drop``."""
    s = tables.need("diffusion_summary")
    parts, ok = [], True
    for (d, k, n), g in _points(s):
        r = g.sort_values("m")["memorization_ratio"].to_numpy()
        drop = float(np.max(r[:-1] - r[1:], initial=0.0))
        ok &= drop <= max_drop + 1e-12
        parts.append(f"d={d} K={k} N={n}: largest drop {drop:.3f}")
    return ok, "; ".join(parts), f"no mean drop larger than {max_drop:g} between consecutive sizes"


@gate
def templates_trained(tables, *, min_ratio, max_loss_ratio):
    """The template models were trained: at M = N every seed memorizes (its ratio at least
    ``min_ratio``), and at the smallest M the mean training loss is at most ``max_loss_ratio`` times
    the ground-truth model's on the same draws."""
    t = tables.need("diffusion_templates")
    full, small = t[t["m"] == t["m"].max()].iloc[0], t[t["m"] == t["m"].min()].iloc[0]
    ratio = small["eval_loss"] / small["ground_truth_loss"] if small["ground_truth_loss"] > 0 else np.inf
    ok = bool(full["memorization_ratio_min"] >= min_ratio and ratio <= max_loss_ratio)
    return ok, (
        f"M = {int(full['m'])}: lowest seed's ratio {full['memorization_ratio_min']:.2f} (needs >= {min_ratio:g}); "
        f"M = {int(small['m'])}: loss {ratio:.2f}x the ground truth's (needs <= {max_loss_ratio:g}x)"
    )


def _fbmem_row(tables, mem_range):
    """The FB-Mem comparison at the largest M whose global memorization before mitigation lies in
    ``mem_range``; NotRun when no M does."""
    f = tables.need("diffusion_fbmem")
    before = f[(f["mitigation"] == "before") & f["global_mem"].between(*mem_range)]
    if before.empty:
        raise NotRun(f"no template size with global memorization in {list(mem_range)} before mitigation")
    m = before["m"].max()
    fall = f[(f["mitigation"] == "fall") & (f["m"] == m)]
    if fall.empty:
        raise NotRun(f"no FB-Mem fall rows at M = {m}")
    return fall.iloc[0]


@gate
def mitigation_lowers_memorization(tables, *, mem_range):
    """At the measured M the mitigation lowers global memorization (the fall's interval above 0)."""
    try:
        top = _fbmem_row(tables, mem_range)
    except NotRun as why:
        return False, str(why)
    lo = top["global_fall_lo"]
    return bool(lo > 0), f"M = {int(top['m'])}: global fall {top['global_fall']:+.3f}, interval low end {lo:+.3f}"


@check
def fbmem(tables, *, level, mem_range):
    """At the measured M: the interval of background minus foreground fall lies above 0."""
    top = _fbmem_row(tables, mem_range)
    if abs(float(top["level"]) - level) > 1e-12:
        raise NotRun(f"diffusion_fbmem holds {top['level']:g} intervals, the claim needs {level:g}")
    lo = top["background_minus_foreground_fall_lo"]
    msg = (
        f"M = {int(top['m'])}: foreground fall {top['foreground_fall']:+.3f}, background fall "
        f"{top['background_fall']:+.3f}, difference {top['background_minus_foreground_fall']:+.3f} "
        f"[{lo:+.3f}, {top['background_minus_foreground_fall_hi']:+.3f}]"
    )
    return bool(lo > 0), msg, f"{100 * level:g} % interval of background minus foreground fall above 0"
