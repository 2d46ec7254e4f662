"""Rule mixture_figure: one mixture figure, as PDF and PNG."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
inp, name, n = snakemake.input, snakemake.wildcards.mfigure, snakemake.params.frontier_n
plotting.use_style(inp.style)
if name == "mem_vs_n":
    fig = plotting.mixture_mem_vs_n(pd.read_csv(inp.best), pd.read_csv(inp.trade))
elif name == "frontier":
    fig = plotting.mixture_frontier(pd.read_csv(inp.trade), n)
elif name == "singletons":
    fig = plotting.mixture_singletons(pd.read_csv(inp.by_count), n)
else:
    fig = plotting.mixture_feldman(pd.read_csv(inp.feldman), n)
save_figure(fig, [snakemake.output.pdf, snakemake.output.png])
log.info("saved mixture %s", name)
