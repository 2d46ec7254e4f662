"""Library policy: one seeds module, no Snakemake in the library, modules of at most 400 lines, documented
modules and public functions."""

import ast
import re

from conftest import ROOT

LIB = ROOT / "workflow" / "memtrade"
WORKFLOW_CODE = sorted((ROOT / "workflow").rglob("*.py"))


def test_every_random_stream_comes_from_the_seeds_module():
    """No generator, SeedSequence or seeded library call outside memtrade/seeds.py (workflow and command)."""
    pattern = re.compile(r"default_rng\(|SeedSequence\(|RandomState\(|np\.random\.seed|^import random|crc32|hash\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{i}: {line.strip()}"
        for path in WORKFLOW_CODE
        if path != LIB / "seeds.py"
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_library_does_not_import_snakemake():
    for path in LIB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "snakemake" for n in names), path


MAX_MODULE_LINES = 400


def test_no_library_module_is_over_400_lines():
    """A module that grows past 400 lines holds more than one job: split it (issue: each study a plug-in)."""
    long = {
        str(path.relative_to(LIB)): n
        for path in sorted(LIB.rglob("*.py"))
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"library modules over {MAX_MODULE_LINES} lines: {long}"


def test_the_package_docstring_lists_every_module():
    import memtrade

    doc = memtrade.__doc__
    modules = {p.stem for p in LIB.glob("*.py") if p.stem not in ("__init__", "__main__")}
    packages = {p.name + "/" for p in LIB.iterdir() if (p / "__init__.py").exists()}
    missing = [m for m in sorted(modules | packages) if f"``{m}``" not in doc]
    assert not missing, f"memtrade/__init__.py does not list {missing}"


def test_public_functions_classes_and_methods_have_docstrings():
    missing = []
    for path in sorted(LIB.rglob("*.py")):
        tree = ast.parse(path.read_text())
        if not ast.get_docstring(tree):
            missing.append(f"{path.relative_to(LIB)} (module)")

        todo = [(tree, "")]
        while todo:
            node, prefix = todo.pop()
            for n in node.body:
                if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_"):
                    if not ast.get_docstring(n):
                        missing.append(f"{path.relative_to(LIB)}:{n.lineno} {prefix}{n.name}")
                    if isinstance(n, ast.ClassDef):
                        todo.append((n, n.name + "."))
    assert not missing, "\n".join(missing)


def test_the_command_line_package_only_parses_and_prints():
    """memtrade.cli defines no computation of its own: it imports no private library names and builds no tables."""
    files = sorted((LIB / "cli").glob("*.py"))
    assert files and not (LIB / "cli.py").exists()
    for path in files:
        text = path.read_text()
        assert not re.search(r"from \.+[\w.]* import .*\b_\w+", text), f"{path.name} imports a private library name"
        assert "pd.DataFrame(rows)" not in text and "constants(" not in text, path.name


def test_every_module_that_uses_jax_imports_it_from_jaxpin():
    """JAX's pool is pinned to one thread before its backends exist (memtrade.jaxpin): every library
    module that imports JAX imports memtrade.jaxpin too, and memtrade.jaxsetup itself imports no JAX
    (it runs in jobs whose env has none)."""
    import re

    lib = ROOT / "workflow" / "memtrade"
    missing = []
    for path in lib.rglob("*.py"):
        text = path.read_text()
        if (
            path.name != "jaxpin.py"
            and re.search(r"^(import jax|from jax)", text, re.M)
            and "jaxpin import" not in text
        ):
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"import jax from memtrade.jaxpin: {missing}"
    assert not re.search(r"^\s*(import jax|from jax)", (lib / "jaxsetup.py").read_text(), re.M)
