"""The study contract and the registry of studies.

A study is one package of the library, ``memtrade/<name>/``, whose ``study.py`` declares ``STUDY``,
a :class:`Study`: its config section, its tables and figures (name, producing rule, report
caption), its cross-field config checks, its results-document sections, its README gallery
entries, its cluster resources and its wildcard constraints. Beside the declaration the study owns
its rules (``workflow/rules/<name>.smk``), its schema fragment (``workflow/schemas/<name>.schema.yaml``),
its claim and gate functions (``memtrade/<name>/claims.py``), its jobs (``memtrade/<name>/jobs/``)
and its report captions (``memtrade/<name>/report/``).

The shared engines (config validation, claims, documents, report, gallery, the workflow's ``all``
targets, local rules, wildcard constraints) loop over :func:`studies` and name none of them. This
module is imported on every workflow start, a no-op rerun included, so a declaration imports
nothing heavy (no NumPy, pandas or JAX at module level).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
WORKFLOW_DIR = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Table:
    """A tidy table a study writes: ``name`` is its key (claims, documents) and, by default, its file
    ``tables/<name>.csv`` under the results folder; ``rule`` writes it; ``caption`` (a file of the
    study's ``report/`` folder) marks it for the HTML report, under ``subcategory`` if given."""

    name: str
    rule: str
    caption: str = ""
    path: str = ""
    subcategory: str = ""

    @property
    def file(self) -> str:
        """Its path relative to the results folder."""
        return self.path or f"tables/{self.name}.csv"


@dataclass(frozen=True)
class Figure:
    """A figure a study draws, as ``figures/<name>.pdf`` and ``.png``: ``rule`` draws it, ``caption``
    (a file of the study's ``report/`` folder) says what to look at; ``gallery`` (alt text) puts it
    in the README gallery and ``landing`` on the report's first page."""

    name: str
    rule: str
    caption: str
    gallery: str = ""
    landing: bool = False
    subcategory: str = ""


def _none(config: dict) -> list:
    return []


@dataclass(frozen=True)
class Study:
    """One study's declaration (see the module docstring).

    ``section``: the config key that switches the study on (None: always on); ``keys``: the
    top-level config keys its schema fragment defines; ``tables``/``figures``/``outputs``:
    functions of the config (what this configuration produces); ``check``: cross-field config
    checks (raise :class:`memtrade.config.ConfigError`); ``results``: the generated sections of
    docs/results.md, marker name -> ``"module:function"`` of the run's tables by name;
    ``resources``: default
    cluster resources of its heavy jobs, which the section's ``resources`` entry overrides;
    ``wildcards``: its wildcard constraints; ``envs``: the conda envs (``envs/<name>.yaml``) of its
    generated tables and figures rules.
    """

    name: str
    title: str
    order: int
    section: str | None = None
    keys: tuple[str, ...] = ()
    tables: Callable[[dict], list[Table]] = _none
    figures: Callable[[dict], list[Figure]] = _none
    outputs: Callable[[dict], list[str]] = _none
    check: Callable[[dict], None] | None = None
    results: dict[str, str] = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    wildcards: dict[str, str] = field(default_factory=dict)
    envs: dict[str, str] = field(default_factory=lambda: {"tables": "compute", "figures": "plot"})

    def enabled(self, config: dict) -> bool:
        """Whether ``config`` runs this study."""
        return self.section is None or self.section in config

    @property
    def rules(self) -> Path:
        """Its rule file."""
        return WORKFLOW_DIR / "rules" / f"{self.name}.smk"

    @property
    def schema(self) -> Path:
        """Its schema fragment."""
        return WORKFLOW_DIR / "schemas" / f"{self.name}.schema.yaml"

    def caption(self, name: str) -> str:
        """The path of one of its report captions."""
        return str(PACKAGE_DIR / self.name / "report" / name)

    def cluster_resources(self, config: dict) -> dict:
        """Its cluster resources: the declared defaults, then the config section's ``resources``."""
        section = config.get(self.section, {}) if self.section else {}
        return {**self.resources, **section.get("resources", {})}


@cache
def studies() -> tuple[Study, ...]:
    """Every study of the library, in their declared order (found as ``memtrade/<name>/study.py``)."""
    found = []
    for info in pkgutil.iter_modules([str(PACKAGE_DIR)]):
        if info.ispkg and (PACKAGE_DIR / info.name / "study.py").is_file():
            found.append(import_module(f"{__package__}.{info.name}.study").STUDY)
    return tuple(sorted(found, key=lambda s: s.order))


def enabled(config: dict) -> list[Study]:
    """The studies ``config`` runs."""
    return [s for s in studies() if s.enabled(config)]


def tables(config: dict) -> dict[str, Table]:
    """Every table of the studies ``config`` runs, by name."""
    return {t.name: t for s in enabled(config) for t in s.tables(config)}


def figures(config: dict) -> dict[str, Figure]:
    """Every figure of the studies ``config`` runs, by name."""
    return {f.name: f for s in enabled(config) for f in s.figures(config)}


def load(target: str):
    """The object a ``"module:name"`` string names (module relative to this package)."""
    module, _, name = target.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), name)
