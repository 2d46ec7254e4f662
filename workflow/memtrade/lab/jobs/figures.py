"""Job lab_figures: the laboratory's figures."""

from __future__ import annotations

import pandas as pd

from ... import plotting
from ...plotting import save_figure
from .. import plots


def run(job, log) -> None:
    """The laboratory's figures."""
    plotting.use_style(job.input.style)
    t = {
        name: pd.read_csv(job.input[f"lab_{name}"])
        for name in ("extraction", "exposure", "redundancy", "redundancy_share", "defences")
    }
    records = pd.concat([pd.read_csv(p) for p in job.input.records], ignore_index=True)
    out = job.output
    figures = {
        "extraction": plots.extraction(t["extraction"], t["exposure"]),
        "exposure": plots.exposure(t["exposure"], records),
        "redundancy": plots.redundancy(t["redundancy"], t["redundancy_share"]),
        "defences": plots.defences(t["defences"]),
    }
    if "lab_editing_pdf" in out.keys():  # lab.editing is configured
        figures["editing"] = plots.editing(
            pd.read_csv(job.input.lab_editing), pd.read_csv(job.input.lab_editing_models)
        )
    if "lab_distillation_pdf" in out.keys():  # lab.distillation is configured
        figures["distillation"] = plots.distillation(
            pd.read_csv(job.input.lab_distillation), pd.read_csv(job.input.lab_distillation_repetition)
        )
    if "lab_stim_pdf" in out.keys():  # lab.stim is configured
        figures["stim"] = plots.stim(
            pd.read_csv(job.input.lab_stim_sources),
            pd.read_csv(job.input.lab_stim_tail),
            pd.read_csv(job.input.lab_stim_precision),
        )
    for name, fig in figures.items():
        save_figure(fig, [out[f"lab_{name}_pdf"], out[f"lab_{name}_png"]])
    log.info("saved %d figures", len(figures))
