"""Rule gallery: downscaled figures for the README; generated sections of README.md and docs/results.md."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd
from PIL import Image

from memtrade.docs import fill, results_fragments
from memtrade.io import atomic_path, open_log, write_text

log = open_log(snakemake.log[0])
width = snakemake.params.width
for src, dst in zip(snakemake.input.figures, snakemake.output.figures, strict=True):
    with Image.open(src) as im:
        im = im.convert("RGB")
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        with atomic_path(dst) as tmp:
            im.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(tmp, format="PNG", optimize=True)
    log.info("%s -> %s", src, dst)

skip = {"figures", "lib"}
tables = {key: pd.read_csv(path) for key, path in snakemake.input.items() if key not in skip}
sections = results_fragments(tables)
docs = snakemake.params.documents
readme = Path(docs["readme"])  # relative to the working directory: the repository for bin/gallery
write_text(fill(readme.read_text(), {"claims": sections["claims"]}), readme)
results = Path(docs["results"])
write_text(fill(results.read_text(), sections), results)
write_text(json.dumps(sections, indent=2) + "\n", snakemake.output.sections)
log.info("filled %s in %s and %s", sorted(sections), readme, results)
