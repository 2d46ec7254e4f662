"""Rule brown_figure: errors over training steps."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
plotting.use_style(snakemake.input.style)
save_figure(plotting.brown(pd.read_csv(snakemake.input.table)), [snakemake.output.pdf, snakemake.output.png])
log.info("saved")
