"""The theory study's sections of docs/results.md: the bound's factor F_n, the best learners' ratios."""

from __future__ import annotations

import pandas as pd

from ..docs import markdown_table, num


def bounds_section(tables: dict[str, pd.DataFrame]) -> str:
    """F_n at the smallest and largest n of each (problem, d)."""
    sdpi = {k.removeprefix("sdpi_"): v for k, v in tables.items() if k.startswith("sdpi_")}
    rows = []
    for problem, s in sdpi.items():
        for d, g in s.groupby("d"):
            g = g.sort_values("n")
            first, last = g.iloc[0], g.iloc[-1]
            rows.append(
                {
                    "problem": problem,
                    "d": int(d),
                    "scale": num(float(first["scale"])),
                    "F_n at the smallest n": f"{num(float(first['F']))} (n = {int(first['n'])})",
                    "F_n at the largest n": f"{num(float(last['F']))} (n = {int(last['n'])})",
                }
            )
    return markdown_table(pd.DataFrame(rows))


def ratios_section(tables: dict[str, pd.DataFrame]) -> str:
    """Per (problem, d): the best learner's memorization over the bound at matched error, smallest and largest n."""
    ratios = tables["ratios"]
    rows = []
    r = ratios.dropna(subset=["ratio_to_bound"])
    for (problem, d), g in r.groupby(["problem", "d"], sort=True):
        g = g.sort_values("n")
        worst = g.loc[g["ratio_to_bound"].idxmax()]
        rows.append(
            {
                "problem": problem,
                "d": int(d),
                "ratio at the smallest n": f"{num(float(g['ratio_to_bound'].iloc[0]))} (n = {int(g['n'].iloc[0])})",
                "largest ratio (n, learner)": (
                    f"{num(float(worst['ratio_to_bound']))} (n = {int(worst['n'])}, {worst['learner']})"
                ),
            }
        )
    return markdown_table(pd.DataFrame(rows))
