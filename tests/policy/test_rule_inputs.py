"""Every library module a rule's script imports is declared in that rule's lib(...) inputs."""

import re

from conftest import ROOT

RULES = ROOT / "workflow" / "rules"
SCRIPTS = ROOT / "workflow" / "scripts"


def _rules():
    for path in sorted(RULES.glob("*.smk")):
        for body in re.split(r"^rule ", path.read_text(), flags=re.M)[1:]:
            name = body.split(":", 1)[0]
            script = re.search(r'script:\s*\n\s*"\.\./scripts/([\w]+\.py)"', body)
            lib = re.search(r"lib=lib\((.*?)\),\n", body, flags=re.S)
            yield name, script.group(1) if script else None, re.findall(r'"([\w.]+)"', lib.group(1)) if lib else []


def test_scripts_import_only_declared_library_modules():
    checked = 0
    for rule, script, declared in _rules():
        if script is None:
            continue
        text = (SCRIPTS / script).read_text()
        imported = set(re.findall(r"^from memtrade\.([\w]+)", text, flags=re.M))
        imported |= {
            m
            for group in re.findall(r"^from memtrade import ([\w, ]+)", text, flags=re.M)
            for m in re.findall(r"\w+", group)
        }
        missing = imported - set(declared)
        assert not missing, f"rule {rule}: script {script} imports {sorted(missing)} not declared in lib(...)"
        checked += 1
    assert checked >= 15


def test_lib_closure_follows_library_imports():
    """lib() adds what the named modules import in turn (parsed from common.smk's helper)."""
    import types
    from pathlib import Path

    src = (RULES / "common.smk").read_text()
    code = src[src.index("def _module_files") : src.index("def problem_params")]
    ns = {"re": re, "Path": Path, "workflow": types.SimpleNamespace(basedir=str(ROOT))}
    exec(code, ns)  # noqa: S102 - the helper's own source
    files = {Path(f).relative_to(ROOT / "workflow" / "memtrade").as_posix() for f in ns["lib"]("mixture")}
    assert {"mixture.py", "estimators/discrete.py", "sdpi.py", "eta.py", "learners/base.py", "__init__.py"} <= files
