"""Job diffusion_figures: the diffusion stage's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import plotting
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """The diffusion stage's figures."""
    plotting.use_style(job.input.style)
    t = {
        name: pd.read_csv(job.input[f"diffusion_{name}"])
        for name in ("summary", "window", "losses", "templates", "fbmem")
    }
    p = job.params.loss_point
    with np.load(job.input.gallery) as g:
        gallery = {k: g[k] for k in g.files}
    out = job.output
    figures = {
        "crossover": plots.crossover(t["summary"], t["window"]),
        "losses": plots.losses(t["losses"], (p["d"], p["k"], p["n"]), job.params.loss_times),
        "templates": plots.template_gallery(gallery),
        "fbmem": plots.fbmem(t["fbmem"], t["templates"]),
    }
    for name, fig in figures.items():
        save_figure(fig, [out[f"diffusion_{name}_pdf"], out[f"diffusion_{name}_png"]])
    log.info("saved %d figures", len(figures))
