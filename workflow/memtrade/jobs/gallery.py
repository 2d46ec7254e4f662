"""Job gallery: downscaled README figures and the generated document sections, under results/gallery/."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from PIL import Image

from ..docs import gallery_table, results_fragments
from ..io import atomic_path, write_text
from ..provenance import machine


def downscale(src, dst, width: int) -> None:
    """A PNG scaled to ``width`` pixels wide (96-colour palette), written atomically: a README gallery image."""
    with Image.open(src) as im:
        im = im.convert("RGB")
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        with atomic_path(dst) as tmp:
            im.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(tmp, format="PNG", optimize=True)


def run(job, log) -> None:
    """Downscale each gallery figure; build every generated section and the README gallery."""
    for src, dst in zip(job.input.figures, job.output.figures, strict=True):
        downscale(src, dst, job.params.width)
        log.info("%s -> %s", src, dst)
    skip = {"figures", "lib", "job"}
    tables = {key: pd.read_csv(path) for key, path in job.input.items() if key not in skip}
    sections, titles = results_fragments(tables, job.params.config)
    figures = [Path(f).name for f in job.output.figures]
    manifest = {
        "sections": sections,
        "titles": titles,
        "figures": figures,
        "readme_gallery": gallery_table(list(zip(figures, job.params.alt, strict=True))),
        "machine": machine(),  # the CPU the run's tables were computed on (bin/gallery adds the commit)
    }
    write_text(json.dumps(manifest, indent=2) + "\n", job.output.sections)
    log.info("wrote sections %s", sorted(sections))
