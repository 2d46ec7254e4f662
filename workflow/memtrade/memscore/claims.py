"""The memorization-score study's claim checks (Feldman & Zhang, RetroPrompt)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ..claims import NotRun, check


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


@check
def retro(tables, *, level):
    """Each dataset: the upper end of the paired difference (parametric part minus parametric model) below 0."""
    r = tables.need("memscore_retro")
    r = r[r["head"] == "retro_parametric"]
    if r.empty:
        raise NotRun("no retrieval rows")
    hi = r["mem_minus_parametric"] + ndtri(0.5 + level / 2) * r["mem_minus_parametric_se"]
    ok = bool((hi < 0).all())
    msg = "; ".join(
        f"{x.dataset} {x.mem_minus_parametric:+.4f} (upper {h:+.4f})" for x, h in zip(r.itertuples(), hi, strict=True)
    )
    return ok, msg, f"{100 * level:g} % upper end of the paired difference below 0, each dataset"
