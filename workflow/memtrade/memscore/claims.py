"""The memorization-score study's claim checks and gates (Feldman & Zhang, LiRA, RetroPrompt)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ..claims import NotRun, check, gate

# subpopulation training-count bins, as memscore_by_frequency's (experiments.COUNT_EDGES; not imported:
# the claims engine loads this module without the study's fitting code)
COUNT_EDGES = (1, 2, 3, 5, 9, 17)


@check
def flipped(tables, *, min_precision):
    """Every learner: precision at k = the number flipped of the top-scored digits is at least ``min_precision``."""
    s = tables.need("memscore_summary")
    s = s[(s["dataset"] == "digits_flipped") & (s["head"] == "model")]
    if s.empty:
        raise NotRun("no digits_flipped rows")
    ok = bool((s["precision_at_flipped"] >= min_precision).all())
    msg = "; ".join(
        f"{r.learner} {r.precision_at_flipped:.2f} (fits flipped labels {100 * r.flipped_fit_in:.0f} %)"
        for r in s.itertuples()
    )
    return ok, f"precision at k = {int(s['flipped'].iloc[0])}: {msg}", f"precision >= {min_precision:g}, every learner"


@check
def removal(tables, *, level):
    """Every removal learner at the largest k: the interval of random minus top-memorized accuracy is above 0."""
    r = tables.need("memscore_removal")
    top = r[r["k"] == r["k"].max()]
    if abs(float(top["level"].iloc[0]) - level) > 1e-12:
        raise NotRun(f"memscore_removal holds {top['level'].iloc[0]:g} intervals, the claim needs {level:g}")
    ok = bool((top["difference_lo"] > 0).all())
    msg = "; ".join(
        f"{x.learner} k = {x.k}: {100 * x.difference:.2f} pp [{100 * x.difference_lo:.2f}, {100 * x.difference_hi:.2f}]"
        for x in top.itertuples()
    )
    return ok, msg, f"{100 * level:g} % interval of random minus top-memorized accuracy above 0, every learner"


@check
def frequency(tables, *, z):
    """Every learner: memorization non-increasing across frequency bins, rarest above most frequent, by ``z`` s.e."""
    b = tables.need("memscore_by_frequency")
    b = b[(b["dataset"] == "mixture") & (b["head"] == "model")]
    if b.empty:
        raise NotRun("no mixture rows")
    ok, parts = True, []
    for learner, g in b.groupby("learner", sort=False):
        g = g.sort_values("bin")
        m, se = g["mean_mem"].to_numpy(), g["mean_mem_se"].to_numpy()
        rises = np.diff(m) > z * np.hypot(se[1:], se[:-1])
        drop = m[0] - m[-1] > z * np.hypot(se[0], se[-1])
        ok &= bool(drop and not rises.any())
        parts.append(f"{learner} {m[0]:.2f} -> {m[-1]:.2f}" + (f" ({int(rises.sum())} rise)" if rises.any() else ""))
    return ok, "; ".join(parts), f"non-increasing within {z:g} s.e., rarest above most frequent by {z:g} s.e."


@gate
def membership_signal(tables, *, dataset):
    """Every learner of the summary on ``dataset`` has a continuous score (a probability signal)."""
    s = tables.need("memscore_summary")
    learners = sorted(set(s.loc[(s["dataset"] == dataset) & (s["head"] == "model"), "learner"]))
    if not learners:
        return False, f"no {dataset} rows in memscore_summary"
    m = tables.need("memscore_membership")
    m = m[m["dataset"] == dataset]
    have = set(m.dropna(subset=["mem_phi"])["learner"]) if "mem_phi" in m else set()
    missing = [x for x in learners if x not in have]
    return not missing, f"no mem_phi for {missing} on {dataset} (no predict_proba, or too few fits)"


@check
def flipped_phi(tables, *, min_precision):
    """Every learner: precision at k = the number flipped of the top examples by mem_phi is >= ``min_precision``."""
    m = tables.need("memscore_membership")
    m = m[m["dataset"] == "digits_flipped"]
    if m.empty:
        raise NotRun("no digits_flipped rows")
    ok, parts, k = True, [], 0
    for learner, g in m.groupby("learner", sort=False):
        g = g.sort_values("index")
        flipped = g["flipped"].astype(bool).to_numpy()
        k = int(flipped.sum())
        if k == 0:
            raise NotRun("no flipped labels")
        top = np.argsort(-g["mem_phi"].fillna(-np.inf).to_numpy(), kind="stable")[:k]
        precision = flipped[top].mean()
        ok &= bool(precision >= min_precision)
        parts.append(f"{learner} {precision:.2f}")
    return ok, f"precision at k = {k} by mem_phi: " + "; ".join(parts), f"precision >= {min_precision:g}, every learner"


@gate
def attack_pairs(tables, *, min_targets, min_nonmember_pairs, dataset=None):
    """Every (dataset, learner) of memscore_attacks (of ``dataset`` if given) has at least ``min_targets``
    target fits and ``min_nonmember_pairs`` non-member pairs: a TPR at low FPR means little otherwise."""
    a = tables.need("memscore_attacks")
    if dataset is not None:
        a = a[a["dataset"] == dataset]
    if a.empty:
        return False, "no membership-inference rows" + (f" on {dataset}" if dataset else "")
    few = a[(a["targets"] < min_targets) | (a["nonmember_pairs"] < min_nonmember_pairs)]
    shown = ", ".join(f"{r.dataset}/{r.learner} {r.targets} targets, {r.nonmember_pairs} non-member pairs"
                      for r in few.drop_duplicates(["dataset", "learner"]).itertuples())  # fmt: skip
    return few.empty, f"{shown} (fewer than {min_targets} targets or {min_nonmember_pairs} pairs)"


@check
def lira_beats_loss(tables, *, fpr):
    """Every (dataset, learner): LiRA online's TPR at the ``fpr`` column's FPR strictly above the loss attack's."""
    a = tables.need("memscore_attacks")
    wide = a.pivot_table(index=["dataset", "learner"], columns="attack", values=fpr, sort=False)
    if wide.empty or not {"lira_online", "loss"} <= set(wide.columns):
        raise NotRun("memscore_attacks lacks lira_online or loss rows")
    wins = wide["lira_online"] > wide["loss"]
    parts = [
        f"{ds}/{learner} {100 * r.lira_online:.2f} vs {100 * r.loss:.2f} %" for (ds, learner), r in wide.iterrows()
    ]
    label = {"tpr_at_0.1pct_fpr": "0.1 %", "tpr_at_1pct_fpr": "1 %"}.get(fpr, fpr)
    measured = (
        f"TPR at {label} FPR, LiRA online vs loss: " + "; ".join(parts) + f" ({int(wins.sum())} of {len(wins)} won)"
    )
    return bool(wins.all()), measured, "LiRA online strictly above loss, every (dataset, learner)"


def _bin_label(b: int) -> str:
    lo = COUNT_EDGES[b]
    if b == len(COUNT_EDGES) - 1:
        return f">= {lo}"
    hi = COUNT_EDGES[b + 1] - 1
    return f"{lo}" if hi == lo else f"{lo}-{hi}"


def _count_bins(counts):
    return np.searchsorted(np.asarray(COUNT_EDGES), np.asarray(counts), side="right") - 1


@gate
def frequency_bins(tables, *, dataset, min_examples):
    """The rarest and the most frequent non-empty count bins of ``dataset`` are distinct and each holds
    at least ``min_examples`` training examples (for every learner)."""
    m = tables.need("memscore_membership")
    m = m[m["dataset"] == dataset]
    if m.empty:
        return False, f"no {dataset} rows in memscore_membership"
    for learner, g in m.groupby("learner", sort=False):
        counts = np.bincount(_count_bins(g["group_count"]), minlength=len(COUNT_EDGES))
        full = np.flatnonzero(counts)
        if len(full) < 2:
            return False, f"{learner}: one subpopulation-count bin only"
        lo, hi = counts[full[0]], counts[full[-1]]
        if min(lo, hi) < min_examples:
            return False, f"{learner}: rarest bin {lo}, most frequent bin {hi} examples, fewer than {min_examples}"
    return True, ""


@check
def rare_vulnerable(tables, *, attack, z):
    """Every learner on the mixture: mean per-example TPR at the attack's 1 % FPR threshold, rarest count
    bin above the most frequent one by more than ``z`` standard errors of the difference."""
    m = tables.need("memscore_membership")
    m = m[m["dataset"] == "mixture"]
    column = f"{attack}_tpr_at_1pct_fpr"
    if m.empty or column not in m:
        raise NotRun(f"no mixture rows with {column}")
    ok, parts = True, []
    for learner, g in m.groupby("learner", sort=False):
        b = _count_bins(g["group_count"])
        rare, common = g.loc[b == b.min(), column].dropna(), g.loc[b == b.max(), column].dropna()
        se = np.hypot(rare.std(ddof=1) / np.sqrt(len(rare)), common.std(ddof=1) / np.sqrt(len(common)))
        diff = rare.mean() - common.mean()
        ok &= bool(diff > z * se)
        sigmas = f"{diff / se:.1f} s.e." if se > 0 else "s.e. 0"
        parts.append(
            f"{learner} {100 * rare.mean():.1f} % (count {_bin_label(b.min())}, {len(rare)} ex.) vs "
            f"{100 * common.mean():.1f} % (count {_bin_label(b.max())}, {len(common)} ex.), {sigmas}"
        )
    return ok, "; ".join(parts), f"rarest bin above most frequent by more than {z:g} s.e., every learner"


@gate
def retro_sweep_covers(tables, *, betas, forms):
    """The RetroPrompt sweep ran every ``betas`` value in every form of ``forms``, on some dataset."""
    r = tables.need("memscore_retro_sweep")
    if r.empty:
        return False, "memscore_retro_sweep is empty"
    have = set(zip(r["form"], r["beta"].round(12), strict=True))
    missing = [f"{f} beta {b:g}" for f in forms for b in betas if (f, round(float(b), 12)) not in have]
    return not missing, f"the sweep lacks {', '.join(missing)}"


@check
def retro_sweep(tables, *, level):
    """Every (dataset, form, beta): the upper end of the paired difference (parametric part minus
    parametric model) below 0."""
    r = tables.need("memscore_retro_sweep")
    hi = r["mem_minus_parametric"] + ndtri(0.5 + level / 2) * r["mem_minus_parametric_se"]
    below = hi < 0
    msg = "; ".join(
        f"{x.dataset} {x.form} beta {x.beta:g}: {x.mem_minus_parametric:+.4f} (upper {h:+.4f})"
        for x, h in zip(r.itertuples(), hi, strict=True)
    )
    summary = f" ({int(below.sum())} of {len(r)} below 0)"
    return (
        bool(below.all()),
        msg + summary,
        f"{100 * level:g} % upper end of the paired difference below 0, every (dataset, form, beta)",
    )
