"""Rule summary_figure: one figure across all problems, as PDF and PNG."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
plotting.use_style(snakemake.input.style)
name = snakemake.wildcards.summary
if name == "ratios":
    fig = plotting.ratios(pd.read_csv(snakemake.input.ratios))
elif name == "tightness":
    fig = plotting.tightness(pd.read_csv(snakemake.input.tightness))
else:
    sdpi = pd.concat([pd.read_csv(p) for p in snakemake.input.sdpi], ignore_index=True)
    fig = plotting.SUMMARY_FIGURES[name](sdpi)
save_figure(fig, [snakemake.output.pdf, snakemake.output.png])
log.info("saved %s", name)
