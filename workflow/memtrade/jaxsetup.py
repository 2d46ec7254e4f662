"""How the JAX stages run, fixed before JAX is imported (shared by :mod:`memtrade.lab` and
:mod:`memtrade.diffusion`).

The same config gives byte-identical tables on CPU, on this machine and on another one:

- **One intra-op thread, whatever the machine.** XLA's CPU runtime sizes its intra-op thread pool
  from the CPUs the process may run on, and both Eigen's contractions (a weight gradient sums over
  the batch: the inner dimension is sharded across the pool) and YNNPACK's reductions split their
  sums by that size. So the same program sums in a different order on a 2-core and on a 4-core
  machine (measured: ``tests/e2e/test_cpu_pin.py``). :func:`one_thread_pool` creates JAX's CPU
  client while the process may run on one CPU only, then gives every thread its CPUs back: the pool
  has one thread on any machine. Library modules import JAX from :mod:`memtrade.jaxpin`, which does
  this once. ``--xla_cpu_multi_thread_eigen=false`` alone does not do it.
- **No run-time ISA dispatch.** YNNPACK's and XNNPACK's library fusions choose their kernels from
  the CPU's instruction set at run time; they are off, so XLA's own code generation computes
  everything, and on x86-64 it is capped at AVX2 (``--xla_cpu_max_isa``), which every x86-64-v3
  machine has.

Parallelism comes from Snakemake running several single-threaded jobs at once. Compiled programs
are cached on disk (``$XDG_CACHE_HOME/memtrade/jax``, or ``JAX_COMPILATION_CACHE_DIR``); a cached
program computes exactly what a fresh compilation does. Settings already present in the environment
are kept (``XLA_FLAGS`` given by the user replaces these flags; ``MEMTRADE_JAX_THREADS=all`` keeps
JAX's own pool size, for the tests that show what the pin changes).
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false --xla_cpu_use_xnnpack=false --xla_cpu_experimental_ynn_fusion_type="
if platform.machine().lower() in ("x86_64", "amd64"):
    XLA_FLAGS += " --xla_cpu_max_isa=AVX2"


def configure() -> None:
    """Set the XLA flags, 32-bit default and compilation cache (nothing when JAX is already
    imported). JAX itself is imported, and its pool pinned (:func:`one_thread_pool`), by
    :mod:`memtrade.jaxpin`, which every library module that uses JAX imports it from."""
    if "jax" in sys.modules:
        return  # already imported by the caller, who chose its own settings
    os.environ.setdefault("XLA_FLAGS", XLA_FLAGS)
    os.environ.setdefault("JAX_ENABLE_X64", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "memtrade" / "jax"
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(cache))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")


def one_thread_pool(jax) -> None:
    """Create JAX's backends while the process may run on one CPU (its pools then have one thread),
    then give every thread of the process its CPUs back. Nothing where ``MEMTRADE_JAX_THREADS`` is
    ``all`` or the backends exist already; where CPU affinity cannot be set (not Linux), the
    backends are created as they are."""
    if os.environ.get("MEMTRADE_JAX_THREADS", "one") == "all":
        return
    bridge = sys.modules.get("jax._src.xla_bridge")
    if getattr(bridge, "_backends", None):  # created already (by the caller): too late to size the pool
        return
    if not hasattr(os, "sched_getaffinity"):
        jax.devices()
        return
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        jax.devices()
    finally:
        for tid in os.listdir("/proc/self/task"):
            try:
                os.sched_setaffinity(int(tid), cpus)
            except OSError:  # a thread that has ended since the listing
                pass
