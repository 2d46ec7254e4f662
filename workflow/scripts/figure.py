"""Rule figure: one figure of one problem, as PDF and PNG."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
inp, figure = snakemake.input, snakemake.wildcards.figure
plotting.use_style(inp.style)
table = pd.read_csv(inp.table)
learners = list(dict.fromkeys(table["learner"]))
if figure == "mem_vs_n":
    fig = plotting.mem_vs_n(pd.read_csv(inp.best), pd.read_csv(inp.sdpi), pd.read_csv(inp.targets), learners)
elif figure == "mem_vs_d":
    fig = plotting.mem_vs_d(pd.read_csv(inp.best), pd.read_csv(inp.sdpi), pd.read_csv(inp.targets), learners)
else:
    fig = plotting.frontier(table, pd.read_csv(inp.sdpi), snakemake.params.frontier_n, learners)
save_figure(fig, [snakemake.output.pdf, snakemake.output.png])
log.info("saved %s", figure)
