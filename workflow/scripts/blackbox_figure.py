"""Rule blackbox_figure: certified memorization of black-box learners against n."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
plotting.use_style(snakemake.input.style)
fig = plotting.blackbox(pd.read_csv(snakemake.input.table))
save_figure(fig, [snakemake.output.pdf, snakemake.output.png])
log.info("saved")
