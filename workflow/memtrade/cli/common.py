"""The subcommands' shared parts: the one-line error, output in three formats, argument checks, CSV input."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

PROBLEMS = ("gaussian", "boolean", "sparse")
FORMATS = ("table", "json", "csv")


class UsageError(ValueError):
    """Bad input: reported as one line, exit status 2."""


def progress(message: str) -> None:
    """Progress and warnings go to standard error, so that standard output holds only the table."""
    print(message, file=sys.stderr, flush=True)


def use_style() -> None:
    """The figures' style file (:func:`memtrade.plotting.use_style`)."""
    from .. import plotting

    plotting.use_style(Path(__file__).parent.parent / "memtrade.mplstyle")


def problem(name: str, d: int, c: float):
    """The problem ``name`` at dimension d and scale c, checked (:func:`memtrade.config.check_scale`)."""
    from ..config import ConfigError, check_scale
    from ..problems import make_problem

    if d < 1:
        raise UsageError(f"--d must be a positive integer, got {d}")
    if not (math.isfinite(c) and c > 0):
        raise UsageError(f"--c must be a positive finite number, got {c}")
    made = make_problem(name, d, {"c": c})
    try:
        check_scale("--c", made, f"at d = {d}")
    except ConfigError as err:
        raise UsageError(str(err).replace("config key ", "")) from None
    return made


def check_n(ns) -> None:
    """Every training-set size is a positive integer."""
    bad = [n for n in ns if n < 1]
    if bad:
        raise UsageError(f"--n must be positive integers, got {bad[0]}")


def param(text: str):
    """One ``--param KEY=VALUE``, the value read as YAML (numbers, lists, booleans, strings)."""
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"--param {text!r}: expected KEY=VALUE")
    return key, yaml.safe_load(value)


def load_estimator(path: str, params: dict, need_scores: bool = True):
    """The estimator class at ``module.Class``, checked (:func:`memtrade.estimators.check_estimator`)."""
    from ..estimators import check_estimator

    try:
        return check_estimator(path, params, need_scores)
    except ValueError as err:
        raise UsageError(str(err)) from None


def emit(table: pd.DataFrame, fmt: str, output: str | None, extra_text: str = "") -> None:
    """Print or write a table: a readable table, JSON records or CSV."""
    if fmt == "json":  # full precision: json writes floats by repr; NaN and +-inf as null
        text = json_text(table)
    elif fmt == "csv":
        text = table.to_csv(index=False)  # floats by repr: full precision
    else:
        text = table.to_string(index=False) + "\n" + extra_text
    if output:
        from ..io import write_text

        write_text(text, output)
    else:
        sys.stdout.write(text)


def json_text(table) -> str:
    """JSON records of a table (or a list of dicts) at full precision, NaN and ±inf as null."""
    frame = pd.DataFrame(table).replace([np.inf, -np.inf], np.nan)
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return json.dumps(records, indent=2, default=_plain) + "\n"


def write_folder(table: pd.DataFrame, fmt: str, output: str, stem: str, figure) -> None:
    """The one folder a command writes: ``stem.csv`` (``stem.json`` with --format json) and the figure
    as ``stem.pdf`` and ``stem.png``."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "json" if fmt == "json" else "csv"
    emit(table, suffix, str(out / f"{stem}.{suffix}"))
    save(figure, out, stem)


def save(figure, folder: Path, stem: str) -> None:
    """A figure as ``folder/stem.pdf`` and ``folder/stem.png`` (:func:`memtrade.plotting.save_figure`)."""
    from ..plotting import save_figure

    save_figure(figure, [folder / f"{stem}.pdf", folder / f"{stem}.png"])


def _plain(value):
    """NumPy scalars as Python numbers for json (full precision)."""
    return value.item() if hasattr(value, "item") else str(value)


def read_csv(path: str, what: str = "") -> pd.DataFrame:
    """A user's CSV, or a UsageError naming the file."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{what}{file}: no such file")
    try:
        return pd.read_csv(file)
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(f"{what}{file}: not a readable CSV ({str(err).splitlines()[0]})") from None


def features(frame: pd.DataFrame, path, drop: list[str]) -> pd.DataFrame:
    """The numeric feature columns of ``frame`` (all but ``drop``), without missing values."""
    x = frame.drop(columns=drop)
    if x.shape[1] == 0:
        raise UsageError(f"{path}: no feature columns besides {', '.join(map(repr, drop))}")
    bad = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    if bad:
        raise UsageError(f"{path}: feature column {bad[0]!r} is not numeric (encode it first)")
    missing = [c for c in [*x.columns, *drop] if frame[c].isna().any()]
    if missing:
        raise UsageError(f"{path}: missing values in column {missing[0]!r}")
    return x


def class_labels(frame: pd.DataFrame, path, label: str) -> np.ndarray:
    """The label column, refused when it holds non-integer numbers (a regression target)."""
    if label not in frame.columns:
        names = ", ".join(map(str, frame.columns[:8])) + (", ..." if len(frame.columns) > 8 else "")
        raise UsageError(f"{path}: no label column {label!r} (columns: {names})")
    y = frame[label].to_numpy()
    if pd.api.types.is_float_dtype(y) and np.any(np.isfinite(y) & (y != np.round(y))):
        example = y[np.isfinite(y) & (y != np.round(y))][0]
        raise UsageError(
            f"{path}: label column {label!r} holds non-integer numbers (e.g. {example:g}): "
            "a classifier's class labels are needed, not a regression target"
        )
    return y


def read_labelled_csv(path: str, label: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features (numeric, no missing values), class labels (each class at least twice) and feature
    names of a user's CSV; UsageError naming the problem."""
    frame = read_csv(path)
    y = class_labels(frame, path, label)
    x = features(frame, path, [label])
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise UsageError(f"{path}: the label column {label!r} has a single class")
    if (counts < 2).any():
        raise UsageError(
            f"{path}: class {classes[counts < 2][0]!r} of column {label!r} has one example "
            "(every class needs at least 2, so that a subset can hold it while another example is left out)"
        )
    return x.to_numpy(dtype=np.float64), y, [str(c) for c in x.columns]


def same_columns(frame: pd.DataFrame, names: list[str], path, reference: str) -> np.ndarray:
    """The columns ``names`` of ``frame`` in that order, or a UsageError naming the missing and extra ones."""
    have = [str(c) for c in frame.columns]
    missing, extra = [c for c in names if c not in have], [c for c in have if c not in names]
    if missing or extra:
        raise UsageError(
            f"{path}: columns differ from those of {reference} (missing {missing or 'none'}, extra {extra or 'none'})"
        )
    return frame[names].to_numpy(dtype=np.float64)
