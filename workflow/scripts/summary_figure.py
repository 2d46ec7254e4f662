"""Rule summary_figure: the figures across all problems, as PDF and PNG."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
inp, out = snakemake.input, snakemake.output
plotting.use_style(inp.style)
sdpi = pd.concat([pd.read_csv(p) for p in inp.sdpi], ignore_index=True)
draw = {
    "rates": lambda: plotting.rates(sdpi),
    "sdpi_constants": lambda: plotting.sdpi_constants(sdpi),
    "ratios": lambda: plotting.ratios(pd.read_csv(inp.ratios)),
    "tightness": lambda: plotting.tightness(pd.read_csv(inp.tightness)),
}
for name, pdf, png in zip(snakemake.params.names, out.pdf, out.png, strict=True):
    save_figure(draw[name](), [pdf, png])
    log.info("saved %s", name)
