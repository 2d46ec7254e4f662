"""The language-model laboratory's STIM claims (docs/science.md section 8.7; no JAX), registered
with the laboratory's other claims (:mod:`memtrade.lab.claims` imports this module)."""

from __future__ import annotations

from ..claims import NotRun, check


def _paired_lower_end(row, col, what):
    """The lower end of a paired per-seed difference; not-run with one seed (no interval)."""
    if not row["seeds"] > 1:
        raise NotRun(f"{what}: one seed, no interval")
    return row[f"{col}_lo"]


@check
def stim_local(tables):
    """Local's share of wrong tokens exceeds the larger of mid-range's and long-range's, paired by seed."""
    d = tables.need("lab_stim_sources")
    w = d[d["token_class"] == "wrong"].set_index("source")
    if w.empty or not w["tokens"].max() > 0:
        raise NotRun("no wrong token was scored")
    lo = _paired_lower_end(w.loc["local"], "local_margin", "local's margin")
    msg = "wrong tokens' dominant source: " + ", ".join(
        f"{s} {100 * w.loc[s, 'share']:.1f} %" for s in ("local", "mid", "long")
    ) + (f"; local minus the next, paired by seed: {100 * w.loc['local', 'local_margin']:+.1f} "
         f"(interval {100 * lo:+.1f} to {100 * w.loc['local', 'local_margin_hi']:+.1f})")  # fmt: skip
    return bool(lo > 0), msg, "lower end of local's share minus the larger other share above 0"


@check
def stim_tail(tables):
    """Their per-example STIM score is higher on long-tail inputs than on frequent ones, paired by seed."""
    d = tables.need("lab_stim_tail").set_index("inputs")
    if not {"long_tail", "head"} <= set(d.index):
        raise NotRun("no long-tail or no frequent inputs")
    r = d.loc["long_tail"]
    lo = _paired_lower_end(r, "tail_minus_head", "the long-tail difference")
    msg = (
        f"per-example score (mean of the top 5 in the selected step): long-tail {r['example_score']:.3f}, "
        f"frequent {d.loc['head', 'example_score']:.3f}; difference paired by seed {r['tail_minus_head']:+.3f} "
        f"(interval {lo:+.3f} to {r['tail_minus_head_hi']:+.3f}); wrong tokens' mean score: long-tail "
        f"{r['score_wrong']:.3f}, frequent {d.loc['head', 'score_wrong']:.3f}"
    )
    return bool(lo > 0), msg, "lower end of long-tail minus frequent above 0"


@check
def stim_precision(tables, *, k):
    """Per wrong step, the lower end of precision@k minus its random baseline (paired by seed) is above 0."""
    d = tables.need("lab_stim_precision").set_index("k")
    if k not in d.index:
        raise NotRun(f"precision@{k} is not in the table (lab.stim.precision_k)")
    r = d.loc[k]
    if not r["wrong_steps"] > 0:
        raise NotRun("no wrong step was scored")
    ok = bool(r["precision_minus_random_lo"] > 0)
    msg = (
        f"per wrong step ({r['wrong_steps']:.0f} a seed, {r['candidates']:.1f} tokens each): precision@{k} "
        f"{100 * r['precision']:.1f} %, random {100 * r['precision_random']:.1f} %; paired difference "
        f"{100 * r['precision_minus_random']:+.1f} (interval {100 * r['precision_minus_random_lo']:+.1f} to "
        f"{100 * r['precision_minus_random_hi']:+.1f})"
    )
    return ok, msg, f"lower end of precision@{k} minus their random baseline above 0"
