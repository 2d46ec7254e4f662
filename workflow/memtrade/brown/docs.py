"""The Brown et al. section of docs/results.md."""

from __future__ import annotations

import pandas as pd

from ..docs import markdown_table, num


def section(tables: dict[str, pd.DataFrame]) -> str:
    """Last attacked checkpoint per (protocol, model): recovery, errors, certified bits."""
    brown = tables["brown_attack"]
    rows = []
    b = brown.dropna(subset=["recovery_all"])
    for (protocol, model), g in b.groupby(["protocol", "model"], sort=False):
        last = g.loc[g["step"].idxmax()]
        rows.append(
            {
                "protocol": protocol + (" (ablation)" if bool(last["ablation"]) else ""),
                "model, attack": f"{model}, {last['attack']}",
                "seeds": int(last["seeds"]),
                "updates": int(last["step"]),
                "recovery, all d (95 % CI)": (
                    f"{100 * last['recovery_all']:.1f} % ({100 * last['recovery_all_lo']:.1f}–"
                    f"{100 * last['recovery_all_hi']:.1f})"
                ),
                "recovery, free": f"{100 * last['recovery_free']:.1f} %",
                "error: represented / singletons": (
                    f"{100 * last['represented_error']:.1f} % / {100 * last['singletons_error']:.1f} %"
                ),
                "certified bits per singleton": num(float(last["certified_bits_per_singleton"])),
            }
        )
    return markdown_table(pd.DataFrame(rows))
