"""The study contract, checked for every registered study (memtrade.study), and the rule that the
shared engines name no study."""

import re

import pytest
import yaml
from conftest import QUICK, ROOT, parsed_rules
from memtrade.config import load_schema
from memtrade.study import studies

QUICK_CONFIG = yaml.safe_load(QUICK.read_text())
FULL_CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
CLAIMS = yaml.safe_load((ROOT / "claims.yaml").read_text())
LIB = ROOT / "workflow" / "memtrade"
ENGINE = [
    ROOT / "Snakefile",
    ROOT / "workflow" / "rules" / "common.smk",
    ROOT / "workflow" / "rules" / "engine.smk",
    *(LIB / name for name in ("study.py", "claims.py", "config.py", "docs.py", "runner.py", "imports.py")),
    *sorted((LIB / "jobs").glob("*.py")),
]


@pytest.fixture(scope="module")
def rules():
    return {r.name: r for r in parsed_rules()}


@pytest.mark.parametrize("study", studies(), ids=lambda s: s.name)
def test_study_brings_its_package_rules_schema_and_claims(study, rules):
    package = LIB / study.name
    for part in ("study.py", "settings.py", "claims.py", "docs.py", "jobs/__init__.py"):
        assert (package / part).is_file(), f"{study.name}: no {part}"
    assert study.rules.is_file() and study.schema.is_file()
    # its schema fragment defines exactly its config keys
    fragment = yaml.safe_load(study.schema.read_text())
    assert set(fragment["properties"]) == set(study.keys), study.schema.name
    assert set(study.keys) <= set(load_schema(ROOT / "workflow" / "schemas" / "config.schema.yaml")["properties"])
    if study.section:
        assert study.keys == (study.section,)
    # every job module its rules run is in its package, and defines run(job, log)
    own = [r for r in rules.values() if r.name != "all" and f"/memtrade/{study.name}/" in r.input["job"]]
    assert own, f"{study.name}: no rule runs one of its jobs"
    for rule in own:
        assert "def run(job, log)" in open(rule.input["job"]).read(), rule.name
    # its claims name it, and it has at least one
    assert any(c["study"] == study.name for c in CLAIMS), f"{study.name} has no claim"


@pytest.mark.parametrize("study", studies(), ids=lambda s: s.name)
@pytest.mark.parametrize("config", [QUICK_CONFIG, FULL_CONFIG], ids=["quick", "full"])
def test_declared_tables_and_figures_have_producers_and_captions(study, config, rules):
    if not study.enabled(config):
        pytest.skip(f"{study.name} is not part of this config")
    for item in [*study.tables(config), *study.figures(config)]:
        assert item.rule in rules, f"{item.name}: no rule {item.rule}"
        if item.caption:
            assert (LIB / study.name / "report" / item.caption).is_file(), item.caption
    for marker, target in study.results.items():
        module, _, function = target.partition(":")
        assert module.split(".")[0] == study.name, marker
        assert re.search(rf"^def {function}\(", (LIB / f"{module.replace('.', '/')}.py").read_text(), re.M)
    # resources are plain cluster resources, wildcards regular expressions
    assert set(study.resources) <= {"mem_mb", "runtime", "cpus_per_task", "gres"}
    for pattern in study.wildcards.values():
        re.compile(pattern)


def test_study_names_and_table_names_are_unique_and_prefixed():
    names = [s.name for s in studies()]
    assert len(names) == len(set(names))
    seen = {}
    for s in studies():
        for t in s.tables(FULL_CONFIG) if s.enabled(FULL_CONFIG) else []:
            assert t.name not in seen, f"table {t.name} declared by {seen.get(t.name)} and {s.name}"
            seen[t.name] = s.name


def test_the_shared_engines_name_no_study():
    """Config validation, claims, documents, report, gallery, the all targets, local rules and wildcard
    constraints loop over the registry: no engine file names a study."""
    names = "|".join(s.name for s in studies())
    offenders = [
        f"{path.relative_to(ROOT)}:{i}: {line.strip()}"
        for path in ENGINE
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(rf"\b({names})\b", line)
    ]
    assert not offenders, "\n".join(offenders)
