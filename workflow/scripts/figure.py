"""Rule figure: the figures of one problem, as PDF and PNG."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
inp, out = snakemake.input, snakemake.output
plotting.use_style(inp.style)
table, sdpi = pd.read_csv(inp.table), pd.read_csv(inp.sdpi)
best, targets = pd.read_csv(inp.best), pd.read_csv(inp.targets)
learners = list(dict.fromkeys(table["learner"]))
draw = {
    "mem_vs_n": lambda: plotting.mem_vs_n(best, sdpi, targets, learners),
    "mem_vs_d": lambda: plotting.mem_vs_d(best, sdpi, targets, learners),
    "frontier": lambda: plotting.frontier(table, sdpi, snakemake.params.frontier_n, learners),
}
for name, pdf, png in zip(snakemake.params.names, out.pdf, out.png, strict=True):
    save_figure(draw[name](), [pdf, png])
    log.info("saved %s", name)
