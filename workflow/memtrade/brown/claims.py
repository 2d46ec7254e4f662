"""The Brown et al. study's claim checks: attack recovery of singletons at the last checkpoint."""

from __future__ import annotations

from ..claims import NotRun, check


@check
def recovery(tables, *, protocol, model, coordinates, min_recovery):
    """The lower end of the recovery interval at the last attacked checkpoint is at least ``min_recovery``."""
    col = f"recovery_{coordinates}"
    b = tables.need("brown_attack")
    b = b[(b["protocol"] == protocol) & (b["model"] == model)].dropna(subset=[col])
    if b.empty:
        raise NotRun(f"no attacked {model} rows of protocol {protocol!r} in the Brown et al. table")
    last = b[b["step"] == b["step"].max()].iloc[0]
    rate, lo, hi = (float(last[c]) for c in (col, f"{col}_lo", f"{col}_hi"))
    msg = (
        f"{100 * rate:.1f} % of {coordinates} coordinates recovered (95 % interval {100 * lo:.1f} to "
        f"{100 * hi:.1f} %) after {int(last['step'])} updates, {int(last['seeds'])} seeds, "
        f"{last['attacked_per_seed']:.0f} singletons per seed"
    )
    return bool(lo >= min_recovery), msg, f"lower end of the interval >= {100 * min_recovery:g} %"
