"""Job theory_figures: three figures per problem (memorization against n and d, the frontier) and
four across problems (decay rates, SDPI constants, ratios, tightness), as PDF and PNG."""

from __future__ import annotations

import pandas as pd

from ... import plotting
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """Draw every figure from the theory tables."""
    inp, out = job.input, job.output
    plotting.use_style(inp.style)

    def save(name, fig):
        save_figure(fig, [out[f"{name}_pdf"], out[f"{name}_png"]])
        log.info("saved %s", name)

    sdpi = {}
    for problem in job.params.problems:
        table, sdpi[problem] = pd.read_csv(inp[f"{problem}_memorization"]), pd.read_csv(inp[f"sdpi_{problem}"])
        best, targets = pd.read_csv(inp[f"{problem}_best_at_target"]), pd.read_csv(inp[f"{problem}_targets"])
        learners = list(dict.fromkeys(table["learner"]))
        save(f"{problem}_mem_vs_n", plots.mem_vs_n(best, sdpi[problem], targets, learners))
        save(f"{problem}_mem_vs_d", plots.mem_vs_d(best, sdpi[problem], targets, learners))
        save(f"{problem}_frontier", plots.frontier(table, sdpi[problem], job.params.frontier_n, learners))
    every = pd.concat([sdpi[p] for p in sorted(sdpi)], ignore_index=True)
    save("rates", plots.rates(every))
    save("sdpi_constants", plots.sdpi_constants(every))
    save("ratios", plots.ratios(pd.read_csv(inp.ratios)))
    save("tightness", plots.tightness(pd.read_csv(inp.tightness)))
