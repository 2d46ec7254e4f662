"""The black-box study's claim checks: no attack certifies more than the exact memorization."""

from __future__ import annotations

from ..claims import NotRun, check


@check
def certified_below_exact(tables):
    """On every problem, no certified bound exceeds the natural learner's exact memorization."""
    keys = sorted(k for k in tables if k.startswith("blackbox_"))
    if not keys:
        raise NotRun("no black-box table in this run")
    parts, bad = [], 0
    for key in keys:
        b = tables[key]
        ref = b[b["exact_bits"].notna()]
        above = int((ref["certified_bits"] > ref["exact_bits"]).sum())
        bad += above
        parts.append(f"{key.removeprefix('blackbox_')}: {above} of {len(ref)} above exact")
    return bad == 0, "; ".join(parts), "no certified bound above the exact memorization"
