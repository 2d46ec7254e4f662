"""Where published numbers come from: the commit and the machine of the full run that ``bash
bin/gallery`` installs into the README, and the files that run depended on.

``docs/gallery/provenance.json`` records them; ``tests/policy/test_gallery_provenance.py`` fails
when a file the run depended on (:data:`DEPENDS`) differs between that commit and HEAD, so the
README's numbers cannot silently describe older code.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

DEPENDS = ("workflow", "config.yaml", "config", "claims.yaml", "Snakefile", "requirements.txt")
"""The paths whose content decides a full run's tables (code, configs, claims, pinned packages)."""

ISA_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16")


def machine() -> dict:
    """The CPU this process runs on: model name, CPUs it may use, instruction-set flags (x86-64),
    architecture, and the versions of Python and jaxlib."""
    info = {"cpu": platform.processor() or platform.machine(), "isa": []}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and info["cpu"] in ("", platform.machine(), platform.processor()):
            info["cpu"] = value.strip()
        if key.strip() == "flags":
            flags = set(value.split())
            info["isa"] = [f for f in ISA_FLAGS if f in flags]
            break
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        from importlib.metadata import version

        jaxlib = version("jaxlib")
    except Exception:  # noqa: BLE001  (not installed: the JAX stages did not run here)
        jaxlib = None
    return {
        **info,
        "cpus": cpus,
        "architecture": platform.machine(),
        "python": platform.python_version(),
        "jaxlib": jaxlib,
    }


def _git(repo, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def commit(repo) -> dict:
    """HEAD's commit in ``repo`` and whether the run's dependencies (:data:`DEPENDS`) have
    uncommitted changes there (then the run's code is not that commit's)."""
    head = _git(repo, "rev-parse", "HEAD")
    if head.returncode != 0:
        raise RuntimeError(f"{repo}: not a git checkout ({head.stderr.strip()})")
    status = _git(repo, "status", "--porcelain", "--", *DEPENDS)
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def changed_since(repo, sha: str) -> list[str]:
    """The dependency files (:data:`DEPENDS`) that differ between commit ``sha`` and HEAD."""
    proc = _git(repo, "diff", "--name-only", sha, "HEAD", "--", *DEPENDS)
    if proc.returncode != 0:
        raise RuntimeError(f"git diff {sha} HEAD: {proc.stderr.strip()}")
    return [line for line in proc.stdout.splitlines() if line]


def statement(record: dict) -> str:
    """The README's lines beside the claims table: which commit and CPU produced it, and what a
    reader on another machine should expect."""
    m = record["machine"]
    isa = ", ".join(m["isa"]) or "unknown"
    return (
        f"Produced by a full run of commit `{record['commit'][:12]}` on {m['cpu']} ({m['architecture']}, "
        f"{m['cpus']} CPUs; {isa}), Python {m['python']}, jaxlib {m['jaxlib']}. The JAX stages give the "
        "same bytes on any x86-64 machine with AVX2: they run with a one-thread pool whatever the number "
        "of CPUs, without the library kernels that choose their instructions at run time, and with code "
        "generation capped at AVX2 (`memtrade.jaxsetup`; `tests/e2e/test_cpu_pin.py`). The NumPy, SciPy "
        "and scikit-learn stages use OpenBLAS, which picks its kernels by CPU at run time, so on another "
        "CPU some of their tables differ: `bash bin/benchmark` reruns the quick config with older CPUs' "
        "kernels and records which tables stay byte-identical, how far the others move and whether the "
        "claims table changes ([performance](docs/performance.md), `tools/blas_kernels.py`). On another "
        "architecture (ARM) or with other package versions, numbers may differ in the same way. "
        "The verdicts are decided with tolerances and intervals over seeds, fixed in `claims.yaml`.\n"
    )
