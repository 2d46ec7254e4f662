"""The JAX stages compute the same bytes whatever the CPU: a laboratory model trained under two
CPU settings on this machine (one CPU, and every CPU) has byte-identical parameters
(memtrade.jaxsetup). The control run without the pin shows that the comparison can fail: JAX's own
thread pool, sized from the CPUs, changes the bytes. A second test shows why code generation is
capped at AVX2: native AVX-512 code computes other bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

TRAIN = r"""
import hashlib, os, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "one":
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
import memtrade.lab  # noqa: F401  (memtrade.jaxsetup: flags, thread pool)
import numpy as np
from memtrade.lab.gpt2 import GPT2Config, init_params
from memtrade.lab.train import train
cfg = GPT2Config(320, 64, n_embd=64, n_layer=2, n_head=4)
rng = np.random.default_rng(0)
ids = rng.integers(0, 320, size=(256, 64)).astype(np.int32)
ids[:, 1::2] = (ids[:, ::2] * 7 + 3) % 320
params, _ = train(init_params(cfg, rng), cfg, ids, np.ones(ids.shape, np.float32), np.random.default_rng(1),
                  epochs=2, batch=64, lr=3e-3, warmup_fraction=0.1, weight_decay=0.01)
h = hashlib.sha256()
for k in sorted(params):
    h.update(np.asarray(params[k]).tobytes())
print(h.hexdigest())
"""

CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
NATIVE = "--xla_cpu_multi_thread_eigen=false --xla_cpu_use_xnnpack=false --xla_cpu_experimental_ynn_fusion_type="


def trained_hash(tmp_path, cpus: str, xla_flags: str | None = None, pin: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "MEMTRADE_JAX_THREADS")}
    env["JAX_COMPILATION_CACHE_DIR"] = str(tmp_path / "cache")  # keyed by the flags, not the pool
    if xla_flags is not None:
        env["XLA_FLAGS"] = xla_flags
    if not pin:
        env["MEMTRADE_JAX_THREADS"] = "all"
    proc = subprocess.run(
        [sys.executable, "-c", TRAIN, str(ROOT / "workflow"), cpus], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.split()[-1]


@pytest.mark.skipif(CPUS < 2 or not hasattr(os, "sched_setaffinity"), reason="needs two CPUs and CPU affinity")
def test_a_laboratory_model_trains_to_the_same_bytes_on_one_cpu_and_on_all_of_them(tmp_path):
    assert trained_hash(tmp_path, "one") == trained_hash(tmp_path, "all")
    # the control: JAX's own pool (sized from the CPUs) sums the same program differently
    assert trained_hash(tmp_path, "one", pin=False) != trained_hash(tmp_path, "all", pin=False)


AVX512 = "avx512f" in (open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else "")


@pytest.mark.skipif(not AVX512, reason="needs a CPU with more than AVX2 (AVX-512)")
def test_code_generation_for_the_native_instruction_set_changes_the_bytes_so_memtrade_caps_it():
    """Why XLA's code generation is capped at AVX2: on an AVX-512 machine, native code generation
    computes other bytes than AVX2 code, so an AVX2-only machine would disagree without the cap."""
    import tempfile
    from pathlib import Path

    tmp = Path(tempfile.mkdtemp())
    assert trained_hash(tmp, "all", xla_flags=NATIVE) != trained_hash(tmp, "all")
