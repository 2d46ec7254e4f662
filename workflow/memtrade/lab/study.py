"""The language-model laboratory's declaration (laboratory scale): small GPT-2 models trained from
scratch on a synthetic corpus, measured with the memorization studies' own measures."""

from __future__ import annotations

from ..study import Figure, Study, Table
from .settings import check

CORE_TABLES = ["extraction", "exposure", "redundancy", "redundancy_share", "defences", "bits", "models"]
OPTIONAL = {  # optional sub-study: its tables and figure
    "editing": (["editing", "editing_models"], "editing"),
    "distillation": (["distillation", "distillation_repetition"], "distillation"),
    "stim": (["stim_sources", "stim_tail", "stim_precision"], "stim"),
}
GALLERY = {
    "extraction": "Language-model laboratory: extraction and exposure against copies and size",
    "defences": "Language-model laboratory: defences, leakage against utility",
    "distillation": "Language-model laboratory: distilled students against the directly fine-tuned one",
    "stim": "Language-model laboratory: STIM's memorization sources of wrong reasoning tokens",
}


def parts(config: dict) -> list[str]:
    """The optional sub-studies (editing, distillation, stim) this configuration runs."""
    return [p for p in OPTIONAL if p in config["lab"]]


def tables(config: dict) -> list[Table]:
    """The core tables, then those of each optional sub-study."""
    names = CORE_TABLES + [t for p in parts(config) for t in OPTIONAL[p][0]]
    return [Table(f"lab_{n}", "lab_tables", "lab_tables.rst") for n in names]


def figures(config: dict) -> list[Figure]:
    """Extraction, exposure, redundancy and defences, then each optional sub-study's figure."""
    names = ["extraction", "exposure", "redundancy", "defences"] + [OPTIONAL[p][1] for p in parts(config)]
    return [Figure(f"lab_{n}", "lab_figures", f"lab_{n}.rst", GALLERY.get(n, "")) for n in names]


def outputs(config: dict) -> list[str]:
    """The audits of the user's GPT-2 checkpoints (config ``lab.audit``)."""
    return [f"lab/audit/{name}.csv" for name in config["lab"].get("audit", {})]


STUDY = Study(
    name="lab",
    title="Language-model laboratory",
    order=50,
    section="lab",
    keys=("lab",),
    tables=tables,
    figures=figures,
    outputs=outputs,
    check=check,
    results={"lab": "lab.docs:section"},
    resources={"mem_mb": 4000, "runtime": 60, "gres": ""},
    wildcards={
        "lab_seed": "[0-9]+",
        "lab_group": "[0-9]+",
        "lab_size": "[a-z][a-z0-9_]*",
        "lab_variant": "undefended|dedup_exact|dedup_near|dpsgd",
        "lab_audit": "[a-z][a-z0-9_]*",
    },
)
