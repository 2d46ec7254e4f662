"""memtrade.imports: a script's library files, found from its imports by ast (the rules' code inputs)."""

from pathlib import Path

from conftest import ROOT
from memtrade.imports import library_files

LIB = ROOT / "workflow" / "memtrade"


def _rel(files):
    return {Path(f).relative_to(LIB).as_posix() for f in files}


def test_closure_follows_library_imports_through_modules_and_packages():
    files = _rel(library_files(LIB / "mixture" / "tradeoff.py", LIB))
    assert {"mixture/tradeoff.py", "exact/__init__.py", "exact/discrete.py", "sdpi.py", "eta.py", "seeds.py"} <= files
    assert {
        "learners/__init__.py",
        "learners/base.py",
        "__init__.py",
        "aggregate.py",
    } <= files  # aggregate: in a function
    assert not files & {"plotting.py", "cli.py", "brown.py", "blackbox/__init__.py"}


def test_forms_of_import(tmp_path):
    pkg = tmp_path / "memtrade"
    (pkg / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "b.py", "c.py", "unused.py", "sub/__init__.py", "sub/d.py", "sub/e.py"):
        (pkg / name).write_text("")
    (pkg / "sub" / "d.py").write_text("from .. import b\nfrom . import e\n")
    (pkg / "a.py").write_text("def f():\n    from .c import g\n")
    script = tmp_path / "script.py"
    script.write_text("import memtrade.a\nfrom memtrade.sub import d\nimport numpy\nfrom os import path\n")
    assert _rel_to(pkg, library_files(script, pkg)) == {
        "__init__.py",
        "a.py",
        "c.py",
        "b.py",
        "sub/__init__.py",
        "sub/d.py",
        "sub/e.py",
    }


def _rel_to(base, files):
    return {Path(f).relative_to(base).as_posix() for f in files}
