"""The diffusion laboratory's declaration (laboratory scale): Buchanan et al.'s memorization
crossover of mixture denoisers, and FB-Mem on colored templates."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check

TABLES = {
    "models": "",
    "summary": "",
    "window": "diffusion_tables.rst",
    "losses": "",
    "ablation": "diffusion_tables.rst",
    "templates": "",
    "fbmem": "diffusion_tables.rst",
}
GALLERY = {
    "crossover": "Diffusion laboratory: memorization ratio against model size, predicted crossover",
    "templates": "Diffusion laboratory: generated colored templates beside their nearest training images",
}


def tables(config: dict) -> list[Table]:
    """Per-model rows, summaries, windows, losses, the steps ablation, templates, FB-Mem."""
    return [Table(f"diffusion_{n}", "diffusion_tables", caption) for n, caption in TABLES.items()]


def figures(config: dict) -> list[Figure]:
    """The crossover, the per-t losses, the templates, FB-Mem."""
    names = ["crossover", "losses", "templates", "fbmem"]
    return [Figure(f"diffusion_{n}", "diffusion_figures", f"diffusion_{n}.rst", GALLERY.get(n, "")) for n in names]


STUDY = Study(
    name="diffusion",
    title="Diffusion laboratory",
    order=70,
    section="diffusion",
    keys=("diffusion",),
    tables=tables,
    figures=figures,
    check=check,
    results={"diffusion": "diffusion.docs:section"},
    resources={"mem_mb": 4000, "runtime": 60, "gres": ""},
    wildcards={"diff_point": "d[0-9]+_k[0-9]+_n[0-9]+"},
)
