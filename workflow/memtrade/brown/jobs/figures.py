"""Job brown_figures: their two panels (recovery and classification errors over training)."""

from __future__ import annotations

import pandas as pd

from ... import plotting
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """The figure from the Brown et al. table."""
    plotting.use_style(job.input.style)
    save_figure(plots.panels(pd.read_csv(job.input.brown_attack)), [job.output.brown_pdf, job.output.brown_png])
    log.info("saved")
