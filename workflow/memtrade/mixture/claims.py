"""The mixture study's claim checks: Feldman's τ₁ prediction against simulation."""

from __future__ import annotations

from ..claims import check


@check
def feldman(tables, *, max_z, max_relative):
    """Predicted against simulated excess error, every (prior, n): within ``max_z`` s.e. and ``max_relative``."""
    f = tables.need("mixture_feldman")
    z = ((f["predicted_excess_error"] - f["simulated_excess_error"]) / f["simulated_excess_error_se"]).abs()
    rel = (f["predicted_excess_error"] / f["simulated_excess_error"] - 1).abs()
    ok = bool(z.max() <= max_z and rel.max() <= max_relative)
    msg = f"max {z.max():.2f} s.e., max {100 * rel.max():.2f} % over {len(f)} rows"
    return ok, msg, f"<= {max_z} s.e. and <= {100 * max_relative:g} %"


@check
def invariant(tables):
    """No mixture row has memorization below the bound, and the bound holds on every simulated draw."""
    x = tables.need("mixture_tradeoff")
    bad = int(((x["memorization_bits"] < x["lower_bound_bits"]) | ~x["holds_every_draw"].astype(bool)).sum())
    return bad == 0, f"{bad} of {len(x)} rows below the bound", "no row below the bound, on every draw"
