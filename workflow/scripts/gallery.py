"""Rule gallery: downscaled README figures and the generated document sections, under results/gallery/."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.docs import downscale, results_fragments
from memtrade.io import open_log, write_text

log = open_log(snakemake.log[0])
for src, dst in zip(snakemake.input.figures, snakemake.output.figures, strict=True):
    downscale(src, dst, snakemake.params.width)
    log.info("%s -> %s", src, dst)
skip = {"figures", "lib"}
tables = {key: pd.read_csv(path) for key, path in snakemake.input.items() if key not in skip}
sections = results_fragments(tables)
figures = [Path(f).name for f in snakemake.output.figures]
write_text(json.dumps({"sections": sections, "figures": figures}, indent=2) + "\n", snakemake.output.sections)
log.info("wrote sections %s", sorted(sections))
