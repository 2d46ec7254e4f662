"""The memorization-score study's declaration: Feldman & Zhang's subsampled memorization and
influence on real data and a long-tailed mixture, beside RetroPrompt's datastore, and membership
inference (LiRA) from the same fits."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check

TABLES = {
    "scores": "",
    "summary": "memscore_tables.rst",
    "by_frequency": "",
    "influence": "",
    "removal": "memscore_tables.rst",
    "removal_runs": "",
    "retro": "memscore_tables.rst",
    "retro_sweep": "memscore_retro_sweep.rst",
    "membership": "",
    "attacks": "memscore_attacks.rst",
    "roc": "",
}
GALLERY = {
    "top": "Memorization scores: the top-memorized training digits",
    "frequency": "Memorization against subpopulation frequency",
    "roc": "Membership inference from the memorization fits: LiRA against the loss attack",
}


def tables(config: dict) -> list[Table]:
    """Per-example scores, summaries, frequency bins, influence, removal, retrieval, membership inference."""
    return [Table(f"memscore_{n}", "memscore_tables", caption) for n, caption in TABLES.items()]


def figures(config: dict) -> list[Figure]:
    """Histogram, top digits, removal, influence, frequency, retrieval, membership-inference ROC."""
    names = ["histogram", "top", "removal", "influence", "frequency", "retro", "roc"]
    return [Figure(f"memscore_{n}", "memscore_figures", f"memscore_{n}.rst", GALLERY.get(n, "")) for n in names]


STUDY = Study(
    name="memscore",
    title="Memorization scores",
    order=60,
    section="memscore",
    keys=("memscore",),
    tables=tables,
    figures=figures,
    check=check,
    results={"memscore": "memscore.docs:section"},
    resources={"mem_mb": 2000, "runtime": 30},
    envs={"tables": "learn", "figures": "plot"},
    wildcards={"ms_dataset": "digits|digits_flipped|mixture", "ms_learner": "[a-z][a-z0-9_]*"},
)
