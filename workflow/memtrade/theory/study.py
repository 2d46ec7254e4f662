"""The FKL theory study's declaration: per problem the SDPI constants, the structured learners'
exact memorization and error, the bound at each learner's own error, and the figures across problems."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check

PER_PROBLEM = {"mem_vs_n": "figure_mem_vs_n.rst", "mem_vs_d": "figure_mem_vs_d.rst", "frontier": "figure_frontier.rst"}
GALLERY = {
    "rates": "Decay rates of F_n",
    "tightness": "Best learner over the bound, with and without randomized learners",
    "gaussian_mem_vs_n": "Gaussian: memorization against n",
    "sparse_mem_vs_n": "Sparse: memorization against n",
}
LANDING = {"rates", "tightness"}


def tables(config: dict) -> list[Table]:
    """The SDPI constants and the tidy tables of every configured problem, then the tables across problems."""
    out = []
    for p in sorted(config["problems"]):
        out += [
            Table(f"sdpi_{p}", "sdpi", path=f"sdpi/{p}.csv"),
            Table(f"{p}_targets", "theory_tables"),
            Table(f"{p}_memorization", "theory_tables", "table.rst", subcategory=p),
            Table(f"{p}_best_at_target", "theory_tables", "best.rst", subcategory=p),
        ]
    return out + [
        Table("memorization", "theory_tables"),
        Table("ratios", "theory_tables", "ratios.rst"),
        Table("tightness", "theory_tables", "tightness.rst"),
    ]


def figures(config: dict) -> list[Figure]:
    """Three figures per problem, four across problems."""
    out = [
        Figure(f"{p}_{f}", "theory_figures", caption, GALLERY.get(f"{p}_{f}", ""), subcategory=p)
        for p in sorted(config["problems"])
        for f, caption in PER_PROBLEM.items()
    ]
    return out + [
        Figure(f, "theory_figures", f"summary_{f}.rst", GALLERY.get(f, ""), f in LANDING, "All problems")
        for f in ("rates", "sdpi_constants", "ratios", "tightness")
    ]


STUDY = Study(
    name="theory",
    title="The FKL bound and structured learners",
    order=10,
    keys=("problems", "learners", "analysis"),
    tables=tables,
    figures=figures,
    check=check,
    results={"bounds": "theory.docs:bounds_section", "ratios": "theory.docs:ratios_section"},
    resources={"mem_mb": 2000, "runtime": 30, "cpus_per_task": 1},
    wildcards={"problem": "gaussian|boolean|sparse", "learner": "[a-z][a-z0-9_]*"},
)
