"""Atomic file output and per-job logging.

Every output is written to a hidden temporary file in the destination folder
and renamed into place, so a killed job never leaves a partial file under the
final name.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from pathlib import Path

FLOAT_FORMAT = "%.12g"


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_csv(frame, path) -> None:
    """Write a tidy table as CSV, atomically and with a fixed float format."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_npz(arrays: dict, path) -> None:
    """Write named arrays as a compressed ``.npz``, atomically."""
    import numpy as np

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def write_text(text: str, path) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text)


def open_log(path) -> logging.Logger:
    """Send this process's log records and Python warnings to ``path``."""
    logger = logging.getLogger("memtrade")
    logger.handlers.clear()
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").addHandler(handler)
    warnings.simplefilter("default")

    def hook(*exc_info):  # uncaught errors go to the job's log too
        logger.error("uncaught exception", exc_info=exc_info)
        sys.__excepthook__(*exc_info)

    sys.excepthook = hook
    return logger
