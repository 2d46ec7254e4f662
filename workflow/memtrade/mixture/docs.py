"""The mixture section of docs/results.md."""

from __future__ import annotations

import pandas as pd

from ..docs import markdown_table, num


def section(tables: dict[str, pd.DataFrame]) -> str:
    """Feldman's prediction against simulation, per prior at the largest n."""
    feldman = tables["mixture_feldman"]
    f = feldman[feldman["n"] == feldman["n"].max()]
    t = pd.DataFrame(
        {
            "prior": f["prior"],
            "n": f["n"].astype(int),
            "predicted excess error": [num(float(x)) for x in f["predicted_excess_error"]],
            "simulated (± s.e.)": [
                f"{num(float(a))} ± {num(float(b), 2)}"
                for a, b in zip(f["simulated_excess_error"], f["simulated_excess_error_se"], strict=True)
            ],
        }
    )
    return markdown_table(t)
