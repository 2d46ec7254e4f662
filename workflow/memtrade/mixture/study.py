"""The mixture study's declaration: clusters under long-tailed frequency priors, the trade-off
between error and memorization, and Feldman's τ₁ prediction."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check

GALLERY = {"frontier": "Mixtures: error-memorization frontier", "feldman": "Feldman's tau_1 prediction"}


def tables(config: dict) -> list[Table]:
    """The trade-off, the bound by cluster count, Feldman's prediction and the best threshold."""
    return [
        Table("mixture_tradeoff", "mixture_tables", "mixture_tables.rst"),
        Table("mixture_by_count", "mixture_tables"),
        Table("mixture_feldman", "mixture_tables", "mixture_tables.rst"),
        Table("mixture_best_at_target", "mixture_tables"),
    ]


def figures(config: dict) -> list[Figure]:
    """Memorization against n, the frontier, the singletons' share, Feldman's prediction."""
    return [
        Figure(f"mixture_{f}", "mixture_figures", f"mixture_{f}.rst", GALLERY.get(f, ""))
        for f in ("mem_vs_n", "frontier", "singletons", "feldman")
    ]


STUDY = Study(
    name="mixture",
    title="Mixtures",
    order=20,
    section="mixture",
    keys=("mixture",),
    tables=tables,
    figures=figures,
    check=check,
    results={"mixture": "mixture.docs:section"},
    resources={"mem_mb": 4000, "runtime": 60, "cpus_per_task": 1},
    wildcards={"prior": "[a-z][a-z0-9_.]*"},
)
