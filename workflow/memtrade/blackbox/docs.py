"""The black-box section of docs/results.md."""

from __future__ import annotations

import pandas as pd

from ..docs import markdown_table, num


def section(tables: dict[str, pd.DataFrame]) -> str:
    """Per problem and learner: certified bits of its best attack at the smallest and largest n."""
    tables = {k.removeprefix("blackbox_"): v for k, v in tables.items() if k.startswith("blackbox_")}
    rows = []
    for problem, t in tables.items():
        best = t.loc[t.groupby(["learner", "n"], sort=False)["certified_bits"].idxmax()]
        for learner, g in best.groupby("learner", sort=False):
            g = g.sort_values("n")
            lo, hi = g.iloc[0], g.iloc[-1]

            def cell(r):
                return f"{num(float(r['certified_bits']))} ({r['attack']}, n = {int(r['n'])})"

            rows.append(
                {
                    "problem": f"{problem} (d = {int(lo['d'])})",
                    "learner": learner,
                    "certified bits (attack), smallest n": cell(lo),
                    "certified bits (attack), largest n": cell(hi),
                    "exact bits (largest n)": num(float(hi["exact_bits"])),
                }
            )
    return markdown_table(pd.DataFrame(rows))
