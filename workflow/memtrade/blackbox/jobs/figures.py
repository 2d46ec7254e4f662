"""Job blackbox_figures: certified memorization against n per learner, one figure per problem."""

from __future__ import annotations

import pandas as pd

from ... import plotting
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """One figure per table."""
    plotting.use_style(job.input.style)
    for name in job.params.problems:
        key = f"blackbox_{name}"
        save_figure(plots.certified(pd.read_csv(job.input[key])), [job.output[f"{key}_pdf"], job.output[f"{key}_png"]])
        log.info("saved %s", key)
