"""Job memscore_figures: the memorization-score stage's figures."""

from __future__ import annotations

import pandas as pd

from ... import plotting
from ...datasets import load_dataset
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """The memorization-score stage's figures."""
    plotting.use_style(job.input.style)
    inp, p = job.input, job.params
    t = {
        name: pd.read_csv(inp[f"memscore_{name}"])
        for name in ("scores", "summary", "by_frequency", "influence", "removal", "retro", "attacks", "roc")
    }
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
        "roc": plots.roc_panels(t["roc"], t["attacks"]),
    }
    for name, fig in figures.items():
        save_figure(fig, [job.output[f"memscore_{name}_pdf"], job.output[f"memscore_{name}_png"]])
    log.info("saved %d figures", len(figures))
