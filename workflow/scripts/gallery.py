"""Rule gallery: downscaled copies of the main figures for the README."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from PIL import Image

from memtrade.io import atomic_path, open_log

log = open_log(snakemake.log[0])
width = snakemake.params.width
for src, dst in zip(snakemake.input.figures, snakemake.output, strict=True):
    with Image.open(src) as im:
        im = im.convert("RGB")
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        with atomic_path(dst) as tmp:
            im.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(tmp, format="PNG", optimize=True)
    log.info("%s -> %s", src, dst)
