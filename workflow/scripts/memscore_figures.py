"""Rule memscore_figures: the memorization-score stage's figures."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.datasets import load_dataset
from memtrade.io import open_log, save_figure
from memtrade.memscore import plots

log = open_log(snakemake.log[0])
plotting.use_style(snakemake.input.style)
inp, p = snakemake.input, snakemake.params
t = {name: pd.read_csv(inp[name]) for name in ("scores", "summary", "by_frequency", "influence", "removal", "retro")}
digits = load_dataset(inp.digits)
shape = tuple(digits["image_shape"])
pairs = t["influence"]
pairs = pairs[(pairs["dataset"] == "digits") & (pairs["learner"] == p.grid["learner"])]
figures = {
    "histogram": plots.histogram(t["scores"], t["summary"], p.threshold),
    "top": plots.top_memorized(t["scores"], digits["X"], shape, p.grid["learner"], p.grid["count"], "digits"),
    "removal": plots.removal(t["removal"]),
    "influence": plots.influence_pairs(pairs, digits["X"], digits["X_test"], shape, p.pairs),
    "frequency": plots.frequency(t["by_frequency"]),
    "retro": plots.retro(t["retro"]),
}
for name, fig in figures.items():
    save_figure(fig, [snakemake.output[f"{name}_pdf"], snakemake.output[f"{name}_png"]])
log.info("saved %d figures", len(figures))
