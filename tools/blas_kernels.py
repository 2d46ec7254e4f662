"""The quick run's tables under other OpenBLAS kernels, against this CPU's own: how far a machine with
another CPU moves the NumPy, SciPy and scikit-learn stages (the JAX stages are pinned, see
``memtrade.jaxsetup``). Printed as a Markdown table.

OpenBLAS picks its kernels by CPU at run time; ``OPENBLAS_CORETYPE`` makes it use another CPU's
(Haswell: AVX2 without AVX-512; Prescott: SSE3, the oldest x86-64 kernels). For each kernel, the quick
config runs from scratch and every table of ``results/tables`` is compared with the native run's:
identical bytes, else the largest absolute and relative difference of each numeric column that
differs, and whether the claims table (the verdicts and their measured text) is identical.

    python tools/blas_kernels.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from benchmark import ROOT, run  # tools/, this script's folder

KERNELS = ("Haswell", "Prescott")


def quick_run(workdir: Path, coretype: str | None) -> Path:
    """The quick config from scratch in ``workdir`` with OpenBLAS's kernels for ``coretype`` (None:
    this CPU's own); its tables folder."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    run(workdir, ROOT / "config" / "quick.yaml", env=env)
    return workdir / "results" / "tables"


def compare(native: Path, other: Path) -> tuple[int, int, list[str]]:
    """(identical tables, tables, one description per differing table)."""
    names = sorted(p.name for p in native.glob("*.csv"))
    same, notes = 0, []
    for name in names:
        if not (other / name).exists():
            notes.append(f"{name}: missing")
            continue
        if (native / name).read_bytes() == (other / name).read_bytes():
            same += 1
            continue
        x, y = pd.read_csv(native / name), pd.read_csv(other / name)
        if x.shape != y.shape or list(x.columns) != list(y.columns):
            notes.append(f"{name}: shape {x.shape} against {y.shape}")
            continue
        cols = []
        for col in x.columns:
            if pd.api.types.is_numeric_dtype(x[col]) and pd.api.types.is_numeric_dtype(y[col]):
                u, v = x[col].to_numpy(float), y[col].to_numpy(float)
                nan_u, nan_v = np.isnan(u), np.isnan(v)
                valued = ~nan_u & ~nan_v
                d = np.abs(u[valued] - v[valued])
                changed = int((d > 0).sum()) + int((nan_u != nan_v).sum())  # a NaN on one side only differs
                if changed:
                    big = d.max() if d.size else 0.0
                    rel = (d / np.maximum(np.abs(u[valued]), np.finfo(float).tiny)).max() if d.size else 0.0
                    nans = f", NaN on one side in {int((nan_u != nan_v).sum())}" if (nan_u != nan_v).any() else ""
                    cols.append(f"{col} ({changed} rows, max {big:.1e}, relative {rel:.1e}{nans})")
            elif not x[col].equals(y[col]):
                cols.append(f"{col} (text differs)")
        notes.append(f"{name}: {'; '.join(cols)}")
    return same, len(names), notes


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="memtrade-blas-") as tmp:
        native = quick_run(Path(tmp) / "native", None)
        print("| OpenBLAS kernel | tables identical to this CPU's | claims table | what differs |")
        print("|---|---|---|---|")
        for kernel in KERNELS:
            other = quick_run(Path(tmp) / kernel, kernel)
            same, total, notes = compare(native, other)
            claims = (
                "identical"
                if (native / "claims.csv").read_bytes() == (other / "claims.csv").read_bytes()
                else "DIFFERS"
            )
            print(f"| {kernel} | {same} of {total} | {claims} | {'<br>'.join(notes) or 'nothing'} |")


if __name__ == "__main__":
    main()
