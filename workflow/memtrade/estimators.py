"""scikit-learn-compatible estimators named by import path (``module.Class``) in a config or on the
command line: the check that one imports and takes its parameters, and a cache of passed checks so
that a no-op rerun does not import them again. Shared by the black-box and memscore studies and the
command line.
"""

from __future__ import annotations

from pathlib import Path


def check_estimator(path: str, params: dict, need_scores: bool = True):
    """The class at import path ``module.Class``, checked.

    It must import, take ``params``, have ``fit`` and ``predict``, and (for the query-only attacks,
    ``need_scores``) ``predict_proba`` or ``decision_function``. Raises ValueError naming the problem.
    """
    import importlib
    import inspect

    module, _, name = str(path).rpartition(".")
    if not module:
        raise ValueError(f"estimator {path!r}: expected an import path module.Class")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"estimator {path!r} does not import: {err}") from None
    if not inspect.isclass(cls):
        raise ValueError(f"estimator {path!r} is not a class")
    missing = [m for m in ("fit", "predict") if not callable(getattr(cls, m, None))]
    if missing:
        raise ValueError(f"estimator {path!r} has no {' or '.join(missing)}")
    if need_scores and not any(callable(getattr(cls, m, None)) for m in ("predict_proba", "decision_function")):
        raise ValueError(
            f"estimator {path!r} has neither predict_proba nor decision_function: the query-only attacks need one"
        )
    try:
        cls(**params)
    except TypeError as err:
        raise ValueError(f"estimator {path!r} rejects its parameters {params}: {err}") from None
    return cls


def _module_files(path: str) -> list[Path] | None:
    """The source files of the modules on an import path ``a.b.Class`` (a/__init__.py, a/b.py), found
    without importing anything; None where one is not a plain source file (then nothing is cached)."""
    import importlib.util

    parts = path.split(".")[:-1]
    spec = importlib.util.find_spec(parts[0]) if parts and parts[0].isidentifier() else None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    files, dirs = [Path(spec.origin)], list(spec.submodule_search_locations or [])
    for part in parts[1:]:
        found = next(
            (p for d in dirs for p in (Path(d) / f"{part}.py", Path(d) / part / "__init__.py") if p.is_file()), None
        )
        if found is None:
            return None
        files.append(found)
        dirs = [str(found.parent)] if found.name == "__init__.py" else []
    return files


def check_estimator_cached(spec: dict, cache: Path | None, need_scores: bool = True, weighted: bool = False) -> None:
    """check_estimator, skipped when ``cache`` records a pass for the same import path, parameters,
    checks, interpreter and module files (path, size, modification time). Failures are never cached.

    ``weighted``: the class must also take ``fit(..., sample_weight)`` and have ``predict_proba``."""
    import json
    import sys

    files = _module_files(spec["estimator"]) if cache is not None else None
    key = None
    if files is not None:
        stamps = [f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files]
        checks = [need_scores, weighted]
        key = json.dumps([spec["estimator"], spec.get("params", {}), checks, sys.executable, stamps], sort_keys=True)
        try:
            if key in json.loads(cache.read_text()):
                return
        except (OSError, ValueError):
            pass
    cls = check_estimator(spec["estimator"], spec.get("params", {}), need_scores)
    if weighted:
        import inspect

        if "sample_weight" not in inspect.signature(cls.fit).parameters or not hasattr(cls, "predict_proba"):
            raise ValueError(
                f"estimator {spec['estimator']!r} must take fit(..., sample_weight) and have predict_proba"
            )
    if key is not None:
        try:
            known = json.loads(cache.read_text())
        except (OSError, ValueError):
            known = []
        from .io import write_text

        write_text(json.dumps(sorted(set(known) | {key}), indent=0), cache)
