"""The claim engine: evaluate claims.yaml on a run's tables as pass, fail or not-run.

Each claim names its study, a check function and the check's tolerances, and may name gates. A
study registers its checks and gates in ``memtrade/<study>/claims.py`` with :func:`check` and
:func:`gate`. A gate says whether the data mean anything (models trained, enough seeds, a
measure that is not zero everywhere); a failed gate makes the claim ``not-run`` with the gate's
reason, never ``pass``. A check returns ``(passed, measured, criterion)``. A table the claim needs
that is not part of the run makes it ``not-run`` too. Tolerances are part of the claim and are
never adjusted here.
"""

from __future__ import annotations

import inspect
from importlib import import_module

COLUMNS = ["id", "statement", "source", "verdict", "measured", "criterion"]
VERDICTS = ("pass", "fail", "not-run")
CHECKS: dict[tuple[str, str], object] = {}
GATES: dict[tuple[str, str], object] = {}


class NotRun(Exception):
    """The claim cannot be decided on this run: a table is absent, or a gate failed."""


class Tables(dict):
    """A run's tables by key; :meth:`need` makes a missing one a not-run."""

    def need(self, key: str):
        """The table ``key``, or NotRun."""
        if key not in self:
            raise NotRun(f"no {key} table in this run")
        return self[key]


def _register(registry: dict, fn):
    study = "common" if fn.__module__ == __name__ else fn.__module__.split(".")[-2]
    registry[(study, fn.__name__)] = fn
    return fn


def check(fn):
    """Register ``fn(tables, **tolerances) -> (passed, measured, criterion)`` as a check of its study."""
    return _register(CHECKS, fn)


def gate(fn):
    """Register ``fn(tables, **settings) -> (ok, reason)`` as a gate of its study (``common``: this module)."""
    return _register(GATES, fn)


@gate
def seeds_at_least(tables: Tables, *, table: str, n: int, column: str = "seeds", where: dict | None = None):
    """Every row of ``table`` (those matching ``where``, column -> value) averages at least ``n`` seeds:
    an interval over fewer means little."""
    t = tables.need(table)
    for key, value in (where or {}).items():
        t = t[t[key] == value]
    if t.empty:
        return False, f"{table}: no row where {where}"
    fewest = int(t[column].min())
    return fewest >= n, f"{table}: {fewest} seeds, fewer than {n}"


def load(studies) -> None:
    """Import the claims modules of ``studies`` (names), registering their checks and gates."""
    for name in studies:
        try:
            import_module(f"{__package__}.{name}.claims")
        except ModuleNotFoundError as err:
            if err.name != f"{__package__}.{name}.claims":
                raise


def _call(registry: dict, study: str, spec: dict, kind: str, tables: Tables):
    params = dict(spec)
    name = params.pop(kind)
    fn = registry.get((study, name)) or registry.get(("common", name))
    if fn is None:
        raise KeyError(f"no {kind} {name!r} registered for study {study!r}")
    return fn(tables, **params)


def bind(claim: dict) -> None:
    """Check that a claim's check and gates exist and take exactly its settings (TypeError, KeyError)."""
    for spec, kind, registry in [(claim["test"], "check", CHECKS)] + [
        (g, "gate", GATES) for g in claim.get("gates", [])
    ]:
        params = dict(spec)
        name = params.pop(kind)
        fn = registry.get((claim["study"], name)) or registry.get(("common", name))
        if fn is None:
            raise KeyError(f"claim {claim['id']}: no {kind} {name!r} registered for study {claim['study']!r}")
        inspect.signature(fn).bind(None, **params)


def verdict(claim: dict, tables: dict) -> dict:
    """One claim's verdict row (``COLUMNS``) on the tables by key."""
    tables = tables if isinstance(tables, Tables) else Tables(tables)
    row = {k: claim[k] for k in ("id", "statement", "source")}
    try:
        for spec in claim.get("gates", []):
            ok, reason = _call(GATES, claim["study"], spec, "gate", tables)
            if not ok:
                raise NotRun(f"gate {spec['gate']} failed: {reason}")
        passed, measured, criterion = _call(CHECKS, claim["study"], claim["test"], "check", tables)
        return row | {"verdict": "pass" if passed else "fail", "measured": measured, "criterion": criterion}
    except NotRun as why:
        return row | {"verdict": "not-run", "measured": str(why), "criterion": claim.get("description", "")}


def evaluate(claims: list[dict], tables: dict):
    """Every claim's verdict (pass, fail, not-run), measured value and criterion, as a table."""
    import pandas as pd

    load(sorted({c["study"] for c in claims}))
    return pd.DataFrame([verdict(c, tables) for c in claims], columns=COLUMNS)


def tally(verdicts) -> str:
    """ "N pass, N fail, N not-run"."""
    counts = verdicts["verdict"].value_counts()
    return ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)


def to_markdown(verdicts) -> str:
    """The verdicts as a Markdown page (results/claims.md)."""
    lines = [
        "# Claims and verdicts",
        "",
        "| claim | verdict | measured | criterion | source |",
        "|---|---|---|---|---|",
    ]
    for r in verdicts.itertuples():
        lines.append(f"| {r.statement} (`{r.id}`) | **{r.verdict}** | {r.measured} | {r.criterion} | {r.source} |")
    return "\n".join([*lines, "", tally(verdicts)]) + "\n"
