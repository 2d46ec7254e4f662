"""Rule lab_figures: the laboratory's figures."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade import plotting
from memtrade.io import open_log, save_figure
from memtrade.lab import plots

log = open_log(snakemake.log[0])
plotting.use_style(snakemake.input.style)
t = {
    name: pd.read_csv(snakemake.input[name])
    for name in ("extraction", "exposure", "redundancy", "redundancy_share", "defences")
}
records = pd.concat([pd.read_csv(p) for p in snakemake.input.records], ignore_index=True)
out = snakemake.output
figures = {
    "extraction": plots.extraction(t["extraction"], t["exposure"]),
    "exposure": plots.exposure(t["exposure"], records),
    "redundancy": plots.redundancy(t["redundancy"], t["redundancy_share"]),
    "defences": plots.defences(t["defences"]),
}
if "editing_pdf" in out.keys():  # lab.editing is configured
    figures["editing"] = plots.editing(
        pd.read_csv(snakemake.input.editing), pd.read_csv(snakemake.input.editing_models)
    )
if "distillation_pdf" in out.keys():  # lab.distillation is configured
    figures["distillation"] = plots.distillation(
        pd.read_csv(snakemake.input.distillation), pd.read_csv(snakemake.input.distillation_repetition)
    )
if "stim_pdf" in out.keys():  # lab.stim is configured
    figures["stim"] = plots.stim(
        pd.read_csv(snakemake.input.stim_sources),
        pd.read_csv(snakemake.input.stim_tail),
        pd.read_csv(snakemake.input.stim_precision),
    )
for name, fig in figures.items():
    save_figure(fig, [out[f"{name}_pdf"], out[f"{name}_png"]])
log.info("saved %d figures", len(figures))
