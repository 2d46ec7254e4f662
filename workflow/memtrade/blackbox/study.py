"""The black-box study's declaration: scikit-learn learners on generated data, attacked, with
certified memorization beside the natural learner's exact value."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check


def tables(config: dict) -> list[Table]:
    """Certified memorization per configured problem."""
    return [Table(f"blackbox_{p}", "blackbox_tables", "blackbox.rst") for p in config["blackbox"]["problems"]]


def figures(config: dict) -> list[Figure]:
    """Certified memorization against n, per configured problem."""
    alt = {"boolean": "Black-box learners: certified memorization"}
    return [
        Figure(f"blackbox_{p}", "blackbox_figures", "blackbox_figure.rst", alt.get(p, ""))
        for p in config["blackbox"]["problems"]
    ]


STUDY = Study(
    name="blackbox",
    title="Black-box learners",
    order=40,
    section="blackbox",
    keys=("blackbox",),
    tables=tables,
    figures=figures,
    check=check,
    results={"blackbox": "blackbox.docs:section"},
    resources={"mem_mb": 4000, "runtime": 60, "cpus_per_task": 1},
    envs={"tables": "learn", "figures": "plot"},
    wildcards={"blackbox_problem": "gaussian|boolean|sparse"},
)
