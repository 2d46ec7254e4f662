"""The synthetic cases of every claim: for each claim id of claims.yaml, tables on which it must pass
and tables on which it must fail (and, for a claim with gates, tables on which a gate stops it:
not-run). Each study's cases are in ``cases_<study>.py`` as ``CASES = {claim_id: {outcome: tables}}``
with outcomes ``pass``, ``fail`` and ``not-run``; a case's tables are a function returning the
tables by name, so that building them costs nothing until the test runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = {c["id"]: c for c in yaml.safe_load((ROOT / "claims.yaml").read_text())}
OUTCOMES = ("pass", "fail", "not-run")


def all_cases() -> dict[str, dict]:
    """Every study's cases, by claim id."""
    out = {}
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        module = _load(path)
        clash = set(out) & set(module.CASES)
        assert not clash, f"{path.name}: cases for {sorted(clash)} are defined twice"
        out.update(module.CASES)
    return out


def more_cases() -> list[tuple[str, str, object]]:
    """Further (claim id, outcome, tables) of the studies' ``MORE`` lists: other ways a claim fails
    or is not run."""
    out = []
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        for cid, cases in getattr(_load(path), "MORE", {}).items():
            out += [(cid, outcome, tables) for outcome, tables in cases]
    return out


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
