"""How the JAX stages run, fixed before JAX is imported (shared by :mod:`memtrade.lab` and
:mod:`memtrade.diffusion`).

The same config gives byte-identical tables on CPU: one XLA intra-op thread (Eigen's
multi-threaded contractions may split sums differently from run to run). Parallelism comes from
Snakemake running several single-threaded jobs at once. Compiled programs are cached on disk
(``$XDG_CACHE_HOME/memtrade/jax``, or ``JAX_COMPILATION_CACHE_DIR``); a cached program computes
exactly what a fresh compilation does. Settings already present in the environment are kept.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def configure() -> None:
    """Set the XLA flags, 32-bit default and compilation cache, unless JAX is already imported."""
    if "jax" in sys.modules:
        return  # already imported by the caller, who chose its own settings
    os.environ.setdefault("XLA_FLAGS", XLA_FLAGS)
    os.environ.setdefault("JAX_ENABLE_X64", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "memtrade" / "jax"
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(cache))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")
