"""Job mixture_figures: the mixture figures, as PDF and PNG."""

from __future__ import annotations

import pandas as pd

from ... import plotting
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """Draw the four figures from the mixture tables."""
    inp, out, n = job.input, job.output, job.params.frontier_n
    plotting.use_style(inp.style)
    trade = pd.read_csv(inp.mixture_tradeoff)
    draw = {
        "mixture_mem_vs_n": lambda: plots.mem_vs_n(pd.read_csv(inp.mixture_best_at_target), trade),
        "mixture_frontier": lambda: plots.frontier(trade, n),
        "mixture_singletons": lambda: plots.singletons(pd.read_csv(inp.mixture_by_count), n),
        "mixture_feldman": lambda: plots.feldman(pd.read_csv(inp.mixture_feldman), n),
    }
    for name, fig in draw.items():
        save_figure(fig(), [out[f"{name}_pdf"], out[f"{name}_png"]])
        log.info("saved %s", name)
