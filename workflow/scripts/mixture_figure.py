"""Rule mixture_figure: the mixture figures, as PDF and PNG."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
inp, out, n = snakemake.input, snakemake.output, snakemake.params.frontier_n
plotting.use_style(inp.style)
trade = pd.read_csv(inp.trade)
draw = {
    "mem_vs_n": lambda: plotting.mixture_mem_vs_n(pd.read_csv(inp.best), trade),
    "frontier": lambda: plotting.mixture_frontier(trade, n),
    "singletons": lambda: plotting.mixture_singletons(pd.read_csv(inp.by_count), n),
    "feldman": lambda: plotting.mixture_feldman(pd.read_csv(inp.feldman), n),
}
for name, pdf, png in zip(snakemake.params.names, out.pdf, out.png, strict=True):
    save_figure(draw[name](), [pdf, png])
    log.info("saved mixture %s", name)
