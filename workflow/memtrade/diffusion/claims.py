"""The diffusion laboratory's claim checks (Buchanan et al.'s crossover, FB-Mem)."""

from __future__ import annotations

from ..claims import NotRun, check


@check
def window(tables):
    """Every sweep point: the predicted M*/N within the measured window widened by one grid step."""
    w = tables.need("diffusion_window")
    ok = bool(w["within_one_step"].all())
    msg = "; ".join(
        f"d={x.d} K={x.k} N={x.n}: window [{x.window_start:.2f}, {x.window_end:.2f}], M*/N {x.predicted:.4f}"
        for x in w.itertuples()
    )
    return ok, msg, "predicted M*/N within the window widened by one grid step, every sweep point"


@check
def monotone(tables):
    """Every sweep point: no later size's interval wholly below the earlier size's."""
    w = tables.need("diffusion_window")
    ok = bool((w["monotone_violations"] == 0).all())
    msg = "; ".join(
        f"d={x.d} K={x.k} N={x.n}: {x.monotone_violations} drops of {x.sizes - 1} steps" for x in w.itertuples()
    )
    return ok, msg, "no later interval wholly below the earlier one, every sweep point"


@check
def fbmem(tables, *, level):
    """The largest template model: the interval of background minus foreground fall lies above 0."""
    f = tables.need("diffusion_fbmem")
    f = f[f["mitigation"] == "fall"]
    if f.empty:
        raise NotRun("no FB-Mem rows")
    top = f[f["m"] == f["m"].max()].iloc[0]
    if abs(float(top["level"]) - level) > 1e-12:
        raise NotRun(f"diffusion_fbmem holds {top['level']:g} intervals, the claim needs {level:g}")
    lo = top["background_minus_foreground_fall_lo"]
    msg = (
        f"M = {int(top['m'])}: foreground fall {top['foreground_fall']:+.3f}, background fall "
        f"{top['background_fall']:+.3f}, difference {top['background_minus_foreground_fall']:+.3f} "
        f"[{lo:+.3f}, {top['background_minus_foreground_fall_hi']:+.3f}]"
    )
    return bool(lo > 0), msg, f"{100 * level:g} % interval of background minus foreground fall above 0"
