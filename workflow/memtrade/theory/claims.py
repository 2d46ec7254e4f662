"""The FKL theory study's claim checks: decay rates of the bound, the learners' tightness, the invariants."""

from __future__ import annotations

import numpy as np

from ..bounds import lower_bound_bits
from ..claims import NotRun, check


def _slope(x, y) -> float:
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(x, y, 1)[0])


@check
def slope_vs_d(tables, *, problems, low, high):
    """Log-log slope of the bound at the target error against d at the smallest n, per problem."""
    measured, ok = [], True
    for problem in problems:
        if f"sdpi_{problem}" not in tables:
            continue
        s = tables[f"sdpi_{problem}"]
        s = s[s["n"] == s["n"].min()].merge(tables.need(f"{problem}_targets"), on=["problem", "d"])
        if s["d"].nunique() < 2:
            continue
        slope = _slope(s["d"], lower_bound_bits(s["F"], s["target_error"]))
        measured.append(f"{problem} {slope:.3f}")
        ok &= low <= slope <= high
    if not measured:
        raise NotRun("no configured problem has two or more values of d")
    return ok, "; ".join(measured), f"slope in [{low}, {high}]"


@check
def slope_vs_n(tables, *, problem, low, high):
    """Log-log slope of F_n against n, every d."""
    s = tables.need(f"sdpi_{problem}")
    slopes = [_slope(g["n"], g["F"]) for _, g in s.groupby("d") if g["n"].nunique() > 1]
    if not slopes:
        raise NotRun("fewer than two values of n")
    ok = all(low <= x <= high for x in slopes)
    return ok, f"slopes {min(slopes):.4f} to {max(slopes):.4f} over {len(slopes)} d", f"in [{low}, {high}]"


@check
def knee(tables, *, problem, before, after, slope_before, slope_after_below):
    """Local log-log slopes of F_n before and after n r^2 = 1, every d."""
    s = tables.need(f"sdpi_{problem}")
    parts, ok = [], True
    for d, g in s.groupby("d"):
        x = g["n"] * g["scale"] ** 2
        b = g[(x <= before) & (g["F"] > 0)]
        a = g[(x >= after) & (g["F"] > 1e-250)]
        if len(b) < 2 or len(a) < 2:
            continue
        sb, sa = _slope(b["n"], b["F"]), _slope(a["n"], a["F"])
        parts.append(f"d={d}: {sb:.2f} before, {sa:.1f} after")
        ok &= slope_before[0] <= sb <= slope_before[1] and sa < slope_after_below
    if not parts:
        raise NotRun("no d has two grid points on each side of the knee")
    crit = f"slope in {slope_before} where n r^2 <= {before}, below {slope_after_below} where n r^2 >= {after}"
    return ok, "; ".join(parts), crit


@check
def exponential(tables, *, problem, max_rate):
    """The largest per-example decay factor of F_n over consecutive grid points, every d."""
    s = tables.need(f"sdpi_{problem}")
    worst = []
    for _, g in s.groupby("d"):
        g = g[g["F"] > 0].sort_values("n")
        n, F = g["n"].to_numpy(float), g["F"].to_numpy(float)
        if len(n) > 1:
            worst.append(float(np.max((F[1:] / F[:-1]) ** (1.0 / np.diff(n)))))
    if not worst:
        raise NotRun("fewer than two values of n")
    return max(worst) <= max_rate, f"largest per-example factor {max(worst):.3f}", f"<= {max_rate}"


@check
def ratio_bounded(tables, *, problems, max_ratio):
    """The best ratio to the bound at the target (tightness table, every learner), on every (d, n) of the grid."""
    parts, ok = [], True
    tight = tables.need("tightness")
    for problem in problems:
        r = tight[(tight["problem"] == problem) & tight["ratio_all"].notna()]
        if r.empty:
            continue
        worst = r.loc[r["ratio_all"].idxmax()]
        parts.append(
            f"{problem} max {worst['ratio_all']:.2f} (d = {int(worst['d'])}, n = {int(worst['n'])}, "
            f"{worst['learner_all']}; deterministic families alone: max {r['ratio_deterministic'].max():.2f})"
        )
        ok &= bool(worst["ratio_all"] <= max_ratio)
    if not parts:
        raise NotRun("no ratios for these problems")
    return ok, "; ".join(parts), f"<= {max_ratio} on every (d, n)"


@check
def ratio_log_factor(tables, *, problem, constant):
    """Sparse: best ratio <= C max(1, log2(F_1 / F_n)) on every (d, n)."""
    tight = tables.need("tightness")
    s = tables.need(f"sdpi_{problem}")
    first = s[s["n"] == s["n"].min()][["d", "F"]].rename(columns={"F": "F1"})
    r = tight[tight["problem"] == problem].merge(s[["d", "n", "F"]], on=["d", "n"]).merge(first, on="d")
    r = r[r["ratio_all"].notna() & (r["F"] > 0)]
    if r.empty:
        raise NotRun("no ratios for the sparse problem")
    excess = r["ratio_all"] / np.maximum(1.0, np.log2(r["F1"] / r["F"]))
    worst = r.loc[excess.idxmax()]
    msg = (
        f"largest ratio / max(1, log2(F_1/F_n)) = {excess.max():.2f} (d = {int(worst['d'])}, n = {int(worst['n'])}, "
        f"ratio {worst['ratio_all']:.2f}); largest ratio {r['ratio_all'].max():.2f}"
    )
    return bool(excess.max() <= constant), msg, f"ratio <= {constant} x max(1, log2(F_1/F_n))"


@check
def ratio_growth(tables, *, problem, low, high):
    """Log-log slope of the natural learner's ratio to the bound against n, where 2^(1-n) <= q, smallest d."""
    r = tables.need("ratios")
    r = r[(r["problem"] == problem) & r["ratio_to_bound"].notna()]
    r = r.merge(tables.need(f"sdpi_{problem}")[["d", "n", "scale"]], on=["d", "n"])
    r = r[r["d"] == r["d"].min()]
    r = r[2.0 ** (1 - r["n"]) <= r["scale"]]
    if r["n"].nunique() < 2:
        raise NotRun("fewer than two values of n past 2^(1-n) <= q")
    slope = _slope(r["n"], r["ratio_to_bound"])
    crit = f"log-log slope in [{low}, {high}]"
    return low <= slope <= high, f"slope {slope:.2f} at d={int(r['d'].iloc[0])}", crit


@check
def invariants(tables):
    """No row of the memorization table has memorization below the bound at its own error."""
    m = tables.need("memorization")
    bad = int((m["memorization_bits"] < m["lower_bound_bits"]).sum())
    return bad == 0, f"{bad} of {len(m)} rows below the bound", "no row below the bound"
