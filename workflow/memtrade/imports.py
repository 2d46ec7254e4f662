"""The library files a workflow script runs, found from its imports: the code inputs of its rule.

A rule declares ``lib=lib_for("../scripts/<script>.py")`` (``workflow/rules/common.smk``), so that
editing any library module the script imports, directly or through other library modules,
reruns exactly the jobs of the rules that run it. The imports are read with :mod:`ast`, never by
executing anything: absolute ``memtrade...`` imports and relative imports inside the package,
at any depth of the file (imports inside functions count: they run when the function does).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "memtrade"


def _module_files(root: Path, dotted: str) -> list[Path]:
    """The files of module ``dotted`` (relative to the package root): a module file, or a package's __init__."""
    path = root.joinpath(*dotted.split(".")) if dotted else root
    if path.is_dir():
        return [path / "__init__.py"]
    return [path.with_suffix(".py")] if path.with_suffix(".py").is_file() else []


def _prefixes(parts: list[str]) -> set[str]:
    """A module and every package above it (a package's __init__ runs before its modules)."""
    return {".".join(parts[:i]) for i in range(len(parts) + 1)}


def _statements(body):
    """Every statement in ``body`` and in the blocks nested in it (functions, classes, if, try, with, loops).

    Imports are statements, so expressions need not be visited: this is much faster than ast.walk.
    """
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                todo.extend(block)


@cache
def _imported_modules(file: Path, root: Path) -> frozenset[str]:
    """Modules of the package that ``file`` imports, dotted relative to the package root ('' is the root).

    Cached per process: a workflow asks for every rule's closure, and the rules share most files.
    """
    file, root = file.resolve(), root.resolve()
    inside = file.is_relative_to(root)
    package = list(file.parent.relative_to(root).parts) if inside else []
    names: set[str] = set()
    for node in _statements(ast.parse(file.read_text(), filename=str(file)).body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, *rest = alias.name.split(".")
                if top == PACKAGE:
                    names |= _prefixes(rest)
        elif isinstance(node, ast.ImportFrom):
            mod = (node.module or "").split(".") if node.module else []
            if node.level:  # relative: only meaningful inside the package
                if not inside:
                    continue
                parts = package[: len(package) - (node.level - 1)] + mod
            elif mod and mod[0] == PACKAGE:
                parts = mod[1:]
            else:
                continue
            names |= _prefixes(parts)
            names |= {".".join([*parts, a.name]) for a in node.names}  # "from . import x" may name a module
    return frozenset(names)


def library_files(script, package_dir) -> list[str]:
    """Every library file that running ``script`` imports, directly or through other library files.

    Parameters
    ----------
    script : path
        A workflow script (or a library module).
    package_dir : path
        The library package's folder (``workflow/memtrade``).

    Returns
    -------
    list of str
        Sorted paths of the library's ``.py`` files in the import closure, the package's
        ``__init__.py`` always among them.
    """
    root = Path(package_dir)
    todo, seen = [Path(script)], set()
    closure = {root / "__init__.py"}
    if Path(script).resolve().is_relative_to(root.resolve()):
        closure.add(Path(script))
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        for name in _imported_modules(file, root):
            for f in _module_files(root, name):
                if f not in closure:
                    closure.add(f)
                    todo.append(f)
    return sorted(str(f) for f in closure)
