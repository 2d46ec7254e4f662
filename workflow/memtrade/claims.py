"""Evaluate the papers' claims (claims.yaml) on this run's tables: pass / fail / not-run.

Each claim names a test kind and its tolerance; the tolerance is part of the claim and is never
adjusted here. A claim whose tables are absent from this run is ``not-run``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .bounds import lower_bound_bits

COLUMNS = ["id", "statement", "source", "verdict", "measured", "criterion"]


class NotRun(Exception):
    """The tables a claim needs are not part of this run."""


def _need(tables: dict, key: str) -> pd.DataFrame:
    if key not in tables:
        raise NotRun(f"no {key} table in this run")
    return tables[key]


def _slope(x, y) -> float:
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(x, y, 1)[0])


def _slope_vs_d(t, tables):
    measured, ok = [], True
    for problem in t["problems"]:
        if f"sdpi:{problem}" not in tables:
            continue
        s = tables[f"sdpi:{problem}"]
        s = s[s["n"] == s["n"].min()].merge(_need(tables, f"targets:{problem}"), on=["problem", "d"])
        if s["d"].nunique() < 2:
            continue
        slope = _slope(s["d"], lower_bound_bits(s["F"], s["target_error"]))
        measured.append(f"{problem} {slope:.3f}")
        ok &= t["low"] <= slope <= t["high"]
    if not measured:
        raise NotRun("no configured problem has two or more values of d")
    return ok, "; ".join(measured), f"slope in [{t['low']}, {t['high']}]"


def _slope_vs_n(t, tables):
    s = _need(tables, f"sdpi:{t['problem']}")
    slopes = [_slope(g["n"], g["F"]) for _, g in s.groupby("d") if g["n"].nunique() > 1]
    if not slopes:
        raise NotRun("fewer than two values of n")
    ok = all(t["low"] <= x <= t["high"] for x in slopes)
    return ok, f"slopes {min(slopes):.4f} to {max(slopes):.4f} over {len(slopes)} d", f"in [{t['low']}, {t['high']}]"


def _knee(t, tables):
    s = _need(tables, f"sdpi:{t['problem']}")
    parts, ok = [], True
    for d, g in s.groupby("d"):
        x = g["n"] * g["scale"] ** 2
        before = g[(x <= t["before"]) & (g["F"] > 0)]
        after = g[(x >= t["after"]) & (g["F"] > 1e-250)]
        if len(before) < 2 or len(after) < 2:
            continue
        sb, sa = _slope(before["n"], before["F"]), _slope(after["n"], after["F"])
        parts.append(f"d={d}: {sb:.2f} before, {sa:.1f} after")
        ok &= t["slope_before"][0] <= sb <= t["slope_before"][1] and sa < t["slope_after_below"]
    if not parts:
        raise NotRun("no d has two grid points on each side of the knee")
    crit = (
        f"slope in {t['slope_before']} where n r^2 <= {t['before']}, "
        f"below {t['slope_after_below']} where n r^2 >= {t['after']}"
    )
    return ok, "; ".join(parts), crit


def _exponential(t, tables):
    s = _need(tables, f"sdpi:{t['problem']}")
    worst = []
    for _, g in s.groupby("d"):
        g = g[g["F"] > 0].sort_values("n")
        n, F = g["n"].to_numpy(float), g["F"].to_numpy(float)
        if len(n) > 1:
            worst.append(float(np.max((F[1:] / F[:-1]) ** (1.0 / np.diff(n)))))
    if not worst:
        raise NotRun("fewer than two values of n")
    return max(worst) <= t["max_rate"], f"largest per-example factor {max(worst):.3f}", f"<= {t['max_rate']}"


def _ratios_with_scale(tables, problem):
    r = _need(tables, "ratios")
    r = r[(r["problem"] == problem) & r["ratio_to_bound"].notna()]
    s = _need(tables, f"sdpi:{problem}")[["d", "n", "scale"]]
    return r.merge(s, on=["d", "n"])


def _ratio_bounded(t, tables):
    """The best ratio to the bound at the target (tightness table, every learner), on every (d, n) of the grid."""
    parts, ok = [], True
    tight = _need(tables, "tightness")
    for problem in t["problems"]:
        r = tight[(tight["problem"] == problem) & tight["ratio_all"].notna()]
        if r.empty:
            continue
        worst = r.loc[r["ratio_all"].idxmax()]
        parts.append(
            f"{problem} max {worst['ratio_all']:.2f} (d = {int(worst['d'])}, n = {int(worst['n'])}, "
            f"{worst['learner_all']}; deterministic families alone: max {r['ratio_deterministic'].max():.2f})"
        )
        ok &= bool(worst["ratio_all"] <= t["max_ratio"])
    if not parts:
        raise NotRun("no ratios for these problems")
    return ok, "; ".join(parts), f"<= {t['max_ratio']} on every (d, n)"


def _ratio_log_factor(t, tables):
    """Sparse: best ratio <= C max(1, log2(F_1 / F_n)) on every (d, n)."""
    tight = _need(tables, "tightness")
    s = _need(tables, f"sdpi:{t['problem']}")
    first = s[s["n"] == s["n"].min()][["d", "F"]].rename(columns={"F": "F1"})
    r = tight[tight["problem"] == t["problem"]].merge(s[["d", "n", "F"]], on=["d", "n"]).merge(first, on="d")
    r = r[r["ratio_all"].notna() & (r["F"] > 0)]
    if r.empty:
        raise NotRun("no ratios for the sparse problem")
    log_factor = np.maximum(1.0, np.log2(r["F1"] / r["F"]))
    excess = r["ratio_all"] / log_factor
    worst = r.loc[excess.idxmax()]
    msg = (
        f"largest ratio / max(1, log2(F_1/F_n)) = {excess.max():.2f} (d = {int(worst['d'])}, n = {int(worst['n'])}, "
        f"ratio {worst['ratio_all']:.2f}); largest ratio {r['ratio_all'].max():.2f}"
    )
    return bool(excess.max() <= t["constant"]), msg, f"ratio <= {t['constant']} x max(1, log2(F_1/F_n))"


def _ratio_growth(t, tables):
    r = _ratios_with_scale(tables, t["problem"])
    r = r[r["d"] == r["d"].min()]
    r = r[2.0 ** (1 - r["n"]) <= r["scale"]]
    if r["n"].nunique() < 2:
        raise NotRun("fewer than two values of n past 2^(1-n) <= q")
    slope = _slope(r["n"], r["ratio_to_bound"])
    crit = f"log-log slope in [{t['low']}, {t['high']}]"
    return t["low"] <= slope <= t["high"], f"slope {slope:.2f} at d={int(r['d'].iloc[0])}", crit


def _invariants(t, tables):
    m = _need(tables, "memorization")
    bad = int((m["memorization_bits"] < m["lower_bound_bits"]).sum())
    msg = f"{bad} of {len(m)} rows below the bound"
    if "mixture_tradeoff" in tables:
        x = tables["mixture_tradeoff"]
        bad_x = int(((x["memorization_bits"] < x["lower_bound_bits"]) | ~x["holds_every_draw"].astype(bool)).sum())
        bad += bad_x
        msg += f"; mixtures: {bad_x} of {len(x)}"
    for key in sorted(k for k in tables if k.startswith("blackbox:")):
        b = tables[key]
        ref = b[b["exact_bits"].notna()]
        bad_b = int((ref["certified_bits"] > ref["exact_bits"]).sum())
        bad += bad_b
        msg += f"; {key} certified above exact: {bad_b} of {len(ref)}"
    return bad == 0, msg, "no row below the bound; no certified bound above an exact value"


def _brown_recovery(t, tables):
    b = _need(tables, "brown_attack")
    b = b[(b["protocol"] == t["protocol"]) & (b["model"] == t["model"])].dropna(subset=[f"recovery_{t['coordinates']}"])
    if b.empty:
        raise NotRun(f"no attacked {t['model']} rows of protocol {t['protocol']!r} in the Brown et al. table")
    last = b[b["step"] == b["step"].max()].iloc[0]
    col = f"recovery_{t['coordinates']}"
    rate, lo, hi = (float(last[c]) for c in (col, f"{col}_lo", f"{col}_hi"))
    msg = (
        f"{100 * rate:.1f} % of {t['coordinates']} coordinates recovered (95 % interval {100 * lo:.1f} to "
        f"{100 * hi:.1f} %) after {int(last['step'])} updates, {int(last['seeds'])} seeds, "
        f"{last['attacked_per_seed']:.0f} singletons per seed"
    )
    return bool(lo >= t["min_recovery"]), msg, f"lower end of the interval >= {100 * t['min_recovery']:g} %"


def _feldman(t, tables):
    f = _need(tables, "mixture_feldman")
    z = ((f["predicted_excess_error"] - f["simulated_excess_error"]) / f["simulated_excess_error_se"]).abs()
    rel = (f["predicted_excess_error"] / f["simulated_excess_error"] - 1).abs()
    ok = z.max() <= t["max_z"] and rel.max() <= t["max_relative"]
    return (
        ok,
        f"max {z.max():.2f} s.e., max {100 * rel.max():.2f} % over {len(f)} rows",
        (f"<= {t['max_z']} s.e. and <= {100 * t['max_relative']:g} %"),
    )


def _spearman(x, y) -> float:
    x, y = pd.Series(np.asarray(x, float)).rank(), pd.Series(np.asarray(y, float)).rank()
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _lab_repetition(t, tables):
    e = _need(tables, "lab_extraction")
    parts, ok = [], True
    for size, g in e.sort_values("params").groupby("size", sort=False):
        g = g.sort_values("repetitions")
        rho = _spearman(g["repetitions"], g["extraction_rate"])
        lo, hi = g.iloc[0], g.iloc[-1]
        sep = hi["extraction_rate_lo"] > lo["extraction_rate_hi"]
        ok &= bool(rho >= t["min_spearman"] and sep)
        parts.append(
            f"{size}: {100 * lo['extraction_rate']:.0f} % at {int(lo['repetitions'])} -> "
            f"{100 * hi['extraction_rate']:.0f} % at {int(hi['repetitions'])} copies, Spearman {rho:.2f}"
        )
    return ok, "; ".join(parts), f"Spearman >= {t['min_spearman']} and separated intervals, every size"


def _lab_size(t, tables):
    m = _need(tables, "lab_models")
    m = m[m["variant"] == "none"].sort_values("params")
    if len(m) < 2:
        raise NotRun("fewer than two laboratory sizes")
    rates = m["extraction_rate"].to_numpy()
    ok = bool(np.all(np.diff(rates) > 0) and m["extraction_rate_lo"].iloc[-1] > m["extraction_rate_hi"].iloc[0])
    msg = "; ".join(f"{r.size} ({r.params / 1e3:.0f}k): {100 * r.extraction_rate:.1f} %" for r in m.itertuples())
    return ok, msg, "strictly increasing in parameters; largest's lower end above smallest's upper end"


def _lab_perturbation(t, tables):
    r = _need(tables, "lab_redundancy")
    r = r[(r["redundancy_bin"] == "all") & (r["perturbed_tokens"] == r["perturbed_tokens"].max())]
    parts, ok, tested = [], True, 0
    for size, g in r.groupby("size"):
        mem, non = g[g["memorized"].astype(bool)], g[~g["memorized"].astype(bool)]
        if mem.empty or non.empty:
            parts.append(f"{size}: {'no memorized' if mem.empty else 'no non-memorized'} records")
            continue
        tested += 1
        a, b = mem.iloc[0], non.iloc[0]
        ok &= bool(a["drop"] - b["drop"] >= t["min_difference"] and a["drop_lo"] > b["drop_hi"])
        parts.append(f"{size}: drop {a['drop']:.2f} memorized vs {b['drop']:.2f} not")
    if not tested:
        raise NotRun("no size has both memorized and non-memorized records")
    return ok, "; ".join(parts), f"difference >= {t['min_difference']}, separated intervals"


def _lab_redundancy_share(t, tables):
    s = _need(tables, "lab_redundancy_share").dropna(subset=["low_share_memorized"])
    if s.empty:
        raise NotRun("no memorized records")
    ok = bool((s["low_share_memorized"] > t["min_share"]).all())
    msg = "; ".join(
        f"{r.size}: {100 * r.low_share_memorized:.0f} % of {r.memorized_per_seed:.1f} memorized per seed"
        for r in s.sort_values("params").itertuples()
    )
    return ok, msg, f"share > {100 * t['min_share']:g} % at every size"


def _lab_defences_leakage(t, tables):
    d = _need(tables, "lab_defences").set_index("defence")
    base = d.loc["none"]
    parts, ok = [], True
    for name, row in d.drop(index="none").iterrows():
        lower = row["extraction_rate"] < base["extraction_rate"]
        if not name.startswith("filter"):
            lower &= row["pin_exposure"] < base["pin_exposure"]
        ok &= bool(lower)
        parts.append(f"{name} {100 * row['extraction_rate']:.1f} % / {row['pin_exposure']:.2f} bits")
    msg = f"undefended {100 * base['extraction_rate']:.1f} % / {base['pin_exposure']:.2f} bits; " + "; ".join(parts)
    return ok, msg, "every defence below the undefended extraction rate (and exposure, training defences)"


def _lab_defences_utility(t, tables):
    d = _need(tables, "lab_defences").set_index("defence")
    rows = d.loc[[x for x in t["defences"] if x in d.index]]
    ok = bool((rows["utility"] >= t["min_utility"]).all()) and len(rows) == len(t["defences"])
    msg = "; ".join(f"{n} {100 * r['utility']:.1f} %" for n, r in rows.iterrows())
    return ok, msg, f"utility >= {100 * t['min_utility']:g} % each"


def _lab_dpsgd(t, tables):
    d = _need(tables, "lab_defences").set_index("defence")
    if "dpsgd" not in d.index:
        raise NotRun("no DP-SGD row")
    r = d.loc["dpsgd"]
    ok = bool(np.isfinite(r["epsilon"]) and np.isfinite(r["extraction_rate"]) and np.isfinite(r["pin_exposure"]))
    msg = (
        f"epsilon {r['epsilon']:.3g} at delta = 1/N; extraction {100 * r['extraction_rate']:.1f} %, "
        f"pin exposure {r['pin_exposure']:.2f} bits"
    )
    return ok, msg, "finite epsilon, extraction rate and exposure"


def _lab_bits(t, tables):
    b = _need(tables, "lab_bits")
    c = b["certified_bits"].fillna(0.0)
    bad = int(((c < 0) | (c > b["planted_bits"] + 1e-9)).sum())
    top = b[b["variant"] == "none"].sort_values("params").iloc[-1]
    ok = bad == 0 and top["certified_bits"] > 0
    msg = (
        f"{bad} of {len(b)} rows outside [0, planted]; {top['size']}: {top['certified_bits']:.0f} of "
        f"{top['planted_bits']:.0f} planted bits certified"
    )
    return ok, msg, "0 <= certified <= planted everywhere; largest undefended > 0"


def _lab_edit_leakage(t, tables):
    e = _need(tables, "lab_editing").set_index("group")
    if "edited" not in e.index:
        raise NotRun("no record leaked, so none was edited")
    r = e.loc["edited"]
    ok = bool(r["extraction_after"] <= t["max_extraction"])
    before, after = 100 * r["extraction_before"], 100 * r["extraction_after"]
    msg = f"edited records: extraction {before:.1f} % before, {after:.1f} % after"
    if "leaking_not_edited" in e.index:
        o = e.loc["leaking_not_edited"]
        msg += f"; leaking, not edited: {100 * o['extraction_before']:.1f} % -> {100 * o['extraction_after']:.1f} %"
    return ok, msg, f"edited records' extraction after the edit <= {100 * t['max_extraction']:g} %"


def _lab_edit_utility(t, tables):
    m = _need(tables, "lab_editing_models").iloc[0]
    ok = bool(m["heldout_loss_change"] <= t["max_loss_increase"])
    msg = (
        f"held-out loss {m['heldout_bits_per_word_before']:.3f} -> {m['heldout_bits_per_word_after']:.3f} bits per "
        f"word ({100 * m['heldout_loss_change']:+.2f} %); edit at layer {m['layer']:.0f}, rank {m['edit_rank']:.0f}"
    )
    return ok, msg, f"mean relative held-out loss increase <= {100 * t['max_loss_increase']:g} %"


def _lab_distillation(t, tables):
    d = _need(tables, "lab_distillation").set_index("method")
    students = [m for m in d.index if m not in ("teacher", "direct")]
    if "direct" not in d.index or not students:
        raise NotRun("no directly fine-tuned or no distilled student")
    base = d.loc["direct", "extraction_rate"]
    parts, ok = [], True
    for m in students:
        r = d.loc[m]
        ok &= bool(r["extraction_rate"] < base and abs(r["heldout_change_vs_direct"]) <= t["max_loss_change"])
        parts.append(f"{m} {100 * r['extraction_rate']:.1f} % ({100 * r['heldout_change_vs_direct']:+.1f} % loss)")
    msg = f"direct {100 * base:.1f} %; " + "; ".join(parts)
    return (
        ok,
        msg,
        (
            f"every distilled student below direct's extraction rate, held-out loss within "
            f"{100 * t['max_loss_change']:g} % of direct's"
        ),
    )


def _lab_stim_local(t, tables):
    d = _need(tables, "lab_stim_sources")
    w = d[d["token_class"] == "wrong"].set_index("source")["share"]
    if w.empty:
        raise NotRun("no wrong token was scored")
    ok = bool(w.get("local", 0.0) > max(w.get("mid", 0.0), w.get("long", 0.0)))
    msg = "wrong tokens' dominant source: " + ", ".join(
        f"{s} {100 * w.get(s, 0.0):.1f} %" for s in ("local", "mid", "long")
    )
    return ok, msg, "local's share above mid-range's and long-range's"


def _lab_stim_tail(t, tables):
    d = _need(tables, "lab_stim_tail").set_index("inputs")
    if not {"long_tail", "head"} <= set(d.index):
        raise NotRun("no long-tail or no frequent inputs")
    tail, head = d.loc["long_tail", "score_wrong"], d.loc["head", "score_wrong"]
    ok = bool(tail > head)
    msg = f"wrong tokens' mean score: long-tail {tail:.3f}, frequent {head:.3f}"
    return ok, msg, "long-tail above frequent"


def _lab_stim_precision(t, tables):
    d = _need(tables, "lab_stim_precision").set_index("k")
    k = t["k"] if t["k"] in d.index else int(d.index.min())
    r = d.loc[k]
    ok = bool(r["precision_minus_base_lo"] > 0)
    msg = (
        f"precision@{k} {100 * r['precision']:.1f} % (interval {100 * r['precision_lo']:.1f} to "
        f"{100 * r['precision_hi']:.1f}), base rate {100 * r['base_rate']:.1f} %; difference interval "
        f"{100 * r['precision_minus_base_lo']:+.1f} to {100 * r['precision_minus_base_hi']:+.1f}"
    )
    return ok, msg, f"lower end of precision@{k} minus the base rate above 0"


def _memscore_flipped(t, tables):
    s = _need(tables, "memscore_summary")
    s = s[(s["dataset"] == "digits_flipped") & (s["head"] == "model")]
    if s.empty:
        raise NotRun("no digits_flipped rows")
    ok = bool((s["precision_at_flipped"] >= t["min_precision"]).all())
    msg = "; ".join(
        f"{r.learner} {r.precision_at_flipped:.2f} (fits flipped labels {100 * r.flipped_fit_in:.0f} %)"
        for r in s.itertuples()
    )
    return (
        ok,
        f"precision at k = {int(s['flipped'].iloc[0])}: {msg}",
        f"precision >= {t['min_precision']:g}, every learner",
    )


def _memscore_removal(t, tables):
    r = _need(tables, "memscore_removal")
    top = r[r["k"] == r["k"].max()]
    if abs(float(top["level"].iloc[0]) - t["level"]) > 1e-12:
        raise NotRun(f"memscore_removal holds {top['level'].iloc[0]:g} intervals, the claim needs {t['level']:g}")
    ok = bool((top["difference_lo"] > 0).all())
    msg = "; ".join(
        f"{x.learner} k = {x.k}: {100 * x.difference:.2f} pp [{100 * x.difference_lo:.2f}, {100 * x.difference_hi:.2f}]"
        for x in top.itertuples()
    )
    return ok, msg, f"{100 * t['level']:g} % interval of random minus top-memorized accuracy above 0, every learner"


def _memscore_frequency(t, tables):
    b = _need(tables, "memscore_by_frequency")
    b = b[(b["dataset"] == "mixture") & (b["head"] == "model")]
    if b.empty:
        raise NotRun("no mixture rows")
    ok, parts = True, []
    for learner, g in b.groupby("learner", sort=False):
        g = g.sort_values("bin")
        m, se = g["mean_mem"].to_numpy(), g["mean_mem_se"].to_numpy()
        rises = np.diff(m) > t["z"] * np.hypot(se[1:], se[:-1])
        drop = m[0] - m[-1] > t["z"] * np.hypot(se[0], se[-1])
        ok &= bool(drop and not rises.any())
        parts.append(f"{learner} {m[0]:.2f} -> {m[-1]:.2f}" + (f" ({int(rises.sum())} rise)" if rises.any() else ""))
    return ok, "; ".join(parts), f"non-increasing within {t['z']:g} s.e., rarest above most frequent by {t['z']:g} s.e."


def _memscore_retro(t, tables):
    from scipy.special import ndtri

    r = _need(tables, "memscore_retro")
    r = r[r["head"] == "retro_parametric"]
    if r.empty:
        raise NotRun("no retrieval rows")
    z = ndtri(0.5 + t["level"] / 2)
    hi = r["mem_minus_parametric"] + z * r["mem_minus_parametric_se"]
    ok = bool((hi < 0).all())
    msg = "; ".join(
        f"{x.dataset} {x.mem_minus_parametric:+.4f} (upper {h:+.4f})" for x, h in zip(r.itertuples(), hi, strict=True)
    )
    return ok, msg, f"{100 * t['level']:g} % upper end of the paired difference below 0, each dataset"


def _diffusion_window(t, tables):
    w = _need(tables, "diffusion_window")
    ok = bool(w["within_one_step"].all())
    msg = "; ".join(
        f"d={x.d} K={x.k} N={x.n}: window [{x.window_start:.2f}, {x.window_end:.2f}], M*/N {x.predicted:.4f}"
        for x in w.itertuples()
    )
    return ok, msg, "predicted M*/N within the window widened by one grid step, every sweep point"


def _diffusion_monotone(t, tables):
    w = _need(tables, "diffusion_window")
    ok = bool((w["monotone_violations"] == 0).all())
    msg = "; ".join(
        f"d={x.d} K={x.k} N={x.n}: {x.monotone_violations} drops of {x.sizes - 1} steps" for x in w.itertuples()
    )
    return ok, msg, "no later interval wholly below the earlier one, every sweep point"


def _diffusion_fbmem(t, tables):
    f = _need(tables, "diffusion_fbmem")
    f = f[f["mitigation"] == "fall"]
    if f.empty:
        raise NotRun("no FB-Mem rows")
    top = f[f["m"] == f["m"].max()].iloc[0]
    if abs(float(top["level"]) - t["level"]) > 1e-12:
        raise NotRun(f"diffusion_fbmem holds {top['level']:g} intervals, the claim needs {t['level']:g}")
    lo = top["background_minus_foreground_fall_lo"]
    ok = bool(lo > 0)
    msg = (
        f"M = {int(top['m'])}: foreground fall {top['foreground_fall']:+.3f}, background fall "
        f"{top['background_fall']:+.3f}, difference {top['background_minus_foreground_fall']:+.3f} "
        f"[{lo:+.3f}, {top['background_minus_foreground_fall_hi']:+.3f}]"
    )
    return ok, msg, f"{100 * t['level']:g} % interval of background minus foreground fall above 0"


KINDS = {
    "slope_vs_d": _slope_vs_d,
    "slope_vs_n": _slope_vs_n,
    "knee": _knee,
    "exponential": _exponential,
    "ratio_bounded": _ratio_bounded,
    "ratio_log_factor": _ratio_log_factor,
    "ratio_growth": _ratio_growth,
    "invariants": _invariants,
    "brown_recovery": _brown_recovery,
    "feldman": _feldman,
    "lab_repetition": _lab_repetition,
    "lab_size": _lab_size,
    "lab_perturbation": _lab_perturbation,
    "lab_redundancy_share": _lab_redundancy_share,
    "lab_defences_leakage": _lab_defences_leakage,
    "lab_defences_utility": _lab_defences_utility,
    "lab_dpsgd": _lab_dpsgd,
    "lab_bits": _lab_bits,
    "lab_edit_leakage": _lab_edit_leakage,
    "lab_edit_utility": _lab_edit_utility,
    "lab_distillation": _lab_distillation,
    "lab_stim_local": _lab_stim_local,
    "lab_stim_tail": _lab_stim_tail,
    "lab_stim_precision": _lab_stim_precision,
    "memscore_flipped": _memscore_flipped,
    "memscore_removal": _memscore_removal,
    "memscore_frequency": _memscore_frequency,
    "memscore_retro": _memscore_retro,
    "diffusion_window": _diffusion_window,
    "diffusion_monotone": _diffusion_monotone,
    "diffusion_fbmem": _diffusion_fbmem,
}


def evaluate(claims: list[dict], tables: dict) -> pd.DataFrame:
    """Each claim's verdict (pass, fail, not-run), measured value and criterion, on a run's tables by key."""
    rows = []
    for claim in claims:
        test = claim["test"]
        try:
            ok, measured, criterion = KINDS[test["kind"]](test, tables)
            verdict = "pass" if ok else "fail"
        except NotRun as why:
            verdict, measured, criterion = "not-run", str(why), claim.get("description", "")
        rows.append(
            {
                "id": claim["id"],
                "statement": claim["statement"],
                "source": claim["source"],
                "verdict": verdict,
                "measured": measured,
                "criterion": criterion,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def to_markdown(verdicts: pd.DataFrame) -> str:
    """The verdicts as a Markdown page (results/claims.md)."""
    lines = [
        "# Claims and verdicts",
        "",
        "| claim | verdict | measured | criterion | source |",
        "|---|---|---|---|---|",
    ]
    for r in verdicts.itertuples():
        lines.append(f"| {r.statement} (`{r.id}`) | **{r.verdict}** | {r.measured} | {r.criterion} | {r.source} |")
    counts = verdicts["verdict"].value_counts()
    lines += ["", ", ".join(f"{counts.get(v, 0)} {v}" for v in ("pass", "fail", "not-run"))]
    return "\n".join(lines) + "\n"
