"""Rule diffusion_figures: the diffusion stage's figures."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import numpy as np
import pandas as pd

from memtrade import plotting
from memtrade.diffusion import plots
from memtrade.io import open_log, save_figure

log = open_log(snakemake.log[0])
plotting.use_style(snakemake.input.style)
t = {name: pd.read_csv(snakemake.input[name]) for name in ("summary", "window", "losses", "templates", "fbmem")}
p = snakemake.params.loss_point
with np.load(snakemake.input.gallery) as g:
    gallery = {k: g[k] for k in g.files}
out = snakemake.output
figures = {
    "crossover": plots.crossover(t["summary"], t["window"]),
    "losses": plots.losses(t["losses"], (p["d"], p["k"], p["n"]), snakemake.params.loss_times),
    "templates": plots.template_gallery(gallery),
    "fbmem": plots.fbmem(t["fbmem"], t["templates"]),
}
for name, fig in figures.items():
    save_figure(fig, [out[f"{name}_pdf"], out[f"{name}_png"]])
log.info("saved %d figures", len(figures))
