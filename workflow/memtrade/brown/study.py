"""The Brown et al. study's declaration: their synthetic experiment, attacks on singletons along training."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check


def tables(config: dict) -> list[Table]:
    """Means and intervals over seeds per (protocol, model, step)."""
    return [Table("brown_attack", "brown_tables", "brown.rst")]


def figures(config: dict) -> list[Figure]:
    """Their two panels, faithful protocol and ablation."""
    return [Figure("brown", "brown_figures", "brown_figure.rst", "Brown et al.: attacks on singletons along training")]


STUDY = Study(
    name="brown",
    title="Brown et al.",
    order=30,
    section="brown",
    keys=("brown",),
    tables=tables,
    figures=figures,
    check=check,
    results={"brown": "brown.docs:section"},
    resources={"mem_mb": 4000, "runtime": 60},
    wildcards={"brown_model": "[a-z][a-z0-9_]*", "brown_protocol": "[a-z][a-z0-9_]*", "brown_group": "[0-9]+"},
)
