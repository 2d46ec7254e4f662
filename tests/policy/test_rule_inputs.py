"""Every rule that runs a script declares that script's library files as inputs, derived from its imports."""

import re

from conftest import ROOT
from memtrade.imports import library_files

RULES = ROOT / "workflow" / "rules"
LIB = ROOT / "workflow" / "memtrade"


def _rules():
    for path in sorted(RULES.glob("*.smk")):
        for body in re.split(r"^rule ", path.read_text(), flags=re.M)[1:]:
            name = body.split(":", 1)[0]
            script = re.search(r'script:\s*\n\s*"(\.\./scripts/[\w]+\.py)"', body)
            lib = re.findall(r'lib=lib_for\("([^"]+)"\)', body)
            yield name, script.group(1) if script else None, lib


def test_each_scripted_rule_declares_lib_for_its_own_script():
    checked = 0
    for rule, script, lib in _rules():
        if script is None:
            assert not lib, f"rule {rule} runs no script but declares library inputs"
            continue
        assert lib == [script], f"rule {rule}: runs {script} but declares lib={lib}"
        checked += 1
    assert checked >= 20
    assert "def lib(" not in (RULES / "common.smk").read_text()  # no hand-listed module names


def test_every_library_module_a_script_imports_is_in_its_inputs():
    """The derived inputs contain each memtrade module the script names at the top of the file."""
    for script in sorted((ROOT / "workflow" / "scripts").glob("*.py")):
        files = {p.removeprefix(str(LIB) + "/") for p in library_files(script, LIB)}
        for mod in re.findall(r"^from memtrade\.([\w.]+) import", script.read_text(), flags=re.M):
            path = mod.replace(".", "/")
            assert f"{path}.py" in files or f"{path}/__init__.py" in files, (script.name, mod)
        for group in re.findall(r"^from memtrade import ([\w, ]+)", script.read_text(), flags=re.M):
            for mod in re.findall(r"\w+", group):
                assert f"{mod}.py" in files or f"{mod}/__init__.py" in files, (script.name, mod)
