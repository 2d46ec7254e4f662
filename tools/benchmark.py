"""Benchmark the workflow and write docs/performance.md.

Wall time of quick and full runs, no-op rerun, one-edit rerun; exact evaluation speed; Brown et al.
seconds per seed (from the full run's benchmark files) and the paper-scale overlay's core-hours;
coordinate ascent with and without the incremental flip; exact memorization against general MI
estimators; the report opened in headless Chromium; the README's test command.

    bash bin/benchmark            # quick and full configs, the tests; writes docs/performance.md
    bash bin/benchmark --quick    # quick config only; prints, writes nothing

Each run happens in a fresh temporary working directory, so nothing under
results/ is touched. Peak memory is the largest resident set of any single
process the run started (getrusage of children), in MiB.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def run(workdir: Path, config: Path, *extra: str, env: dict | None = None) -> tuple[float, str]:
    """Wall time and output of Snakemake on ``config`` in ``workdir`` (2 cores; ``env``: the
    environment of the run, else this process's)."""
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir)]
    cmd += ["--cores", "2", "--configfile", str(config), *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return wall, proc.stdout + proc.stderr


def peak_self_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def peak_child_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def bench_config(label: str, config: Path, edit: tuple[str, str, object], brown: list | None = None, keep=None):
    """Timings of one config; if ``brown`` is a list, the run's Brown et al. cost rows are appended to it.

    With ``keep`` (a folder), the working directory of the run from scratch (results/ and .snakemake/,
    dates preserved) is copied to keep/<label> before the reruns change it.
    """
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"memtrade-bench-{label}-") as tmp:
        work = Path(tmp)
        wall, _ = run(work, config)
        rows.append((f"{label}: end to end from scratch", f"{wall:.1f} s"))
        if keep is not None:
            import shutil

            shutil.copytree(work, Path(keep) / label, symlinks=True, dirs_exist_ok=True)
        if brown is not None:
            brown += brown_cost(work, yaml.safe_load(config.read_text()))
            brown += lab_cost(work, yaml.safe_load(config.read_text()))
            brown += memscore_cost(work, yaml.safe_load(config.read_text()))
            brown += diffusion_cost(work, yaml.safe_load(config.read_text()))
        wall, out = run(work, config)
        assert "Nothing to be done" in out, out[-2000:]
        rows.append((f"{label}: no-op rerun", f"{wall:.2f} s"))
        section, key, value = edit
        cfg = copy.deepcopy(yaml.safe_load(config.read_text()))
        cfg["learners"][section][key] = value
        edited = work / "edited.yaml"
        edited.write_text(yaml.safe_dump(cfg, sort_keys=False))
        _, dry = run(work, edited, "--dry-run")
        jobs = re.findall(r"^(\w+)\s+(\d+)$", dry.split("Job stats:")[-1], flags=re.M)
        wall, _ = run(work, edited)
        rows.append(
            (
                f"{label}: rerun after learners.{section}.{key} = {value}",
                f"{wall:.1f} s ({', '.join(f'{n} {r}' for r, n in jobs if r != 'total')})",
            )
        )
    rows.append((f"{label}: peak memory of one process so far", f"{peak_child_mib():.0f} MiB"))
    return rows


def bench_cli() -> list[tuple[str, str]]:
    """Wall time of ``memtrade bound`` at d = 1e6 over 20 values of n (a new process, imports included)."""
    ns = [str(n) for n in (1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024)]
    rows = []
    for problem in ("gaussian", "boolean", "sparse"):
        cmd = [sys.executable, "-m", "memtrade", "bound", "--problem", problem, "--d", "1000000", "--n", *ns]
        start = time.perf_counter()
        subprocess.run([*cmd, "--error", "0.1"], cwd=ROOT / "workflow", check=True, capture_output=True)
        wall = time.perf_counter() - start
        rows.append((f"memtrade bound --problem {problem} --d 1000000, n = 1 to 1024 (20 values)", f"{wall:.2f} s"))
    return rows


PIN_TRAIN = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
import memtrade.lab  # noqa: F401  (memtrade.jaxsetup, unless the environment overrides it)
import jax, numpy as np
from memtrade.lab.gpt2 import GPT2Config, init_params
from memtrade.lab.train import train
cfg = GPT2Config(512, 128, n_embd=128, n_layer=4, n_head=4)
rng = np.random.default_rng(0)
ids = rng.integers(0, 512, size=(1024, 128)).astype(np.int32)
mask = np.ones(ids.shape, np.float32)
kw = dict(epochs=1, batch=32, lr=1e-3, warmup_fraction=0.1, weight_decay=0.01)
train(init_params(cfg, rng), cfg, ids[:64], mask[:64], np.random.default_rng(1), **kw)  # compile
p, log = train(init_params(cfg, rng), cfg, ids, mask, np.random.default_rng(1), **kw)
print(log.tokens / log.seconds)
"""


def bench_jax_pin() -> list[tuple[str, str]]:
    """The speed cost of memtrade.jaxsetup's CPU pin (one-thread pool, no run-time ISA dispatch,
    AVX2 code): training tokens per second of a 4-layer GPT-2 (128 wide, 128 tokens), one job
    alone, pinned against JAX's own settings (its pool sized from the CPUs, native code)."""
    rates = {}
    for label, env in (
        ("pinned", {}),
        ("JAX's own (unpinned)", {"MEMTRADE_JAX_THREADS": "all", "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"}),
    ):
        full = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "MEMTRADE_JAX_THREADS")} | env
        with tempfile.TemporaryDirectory(prefix="memtrade-pin-") as tmp:
            full["JAX_COMPILATION_CACHE_DIR"] = tmp
            proc = subprocess.run(
                [sys.executable, "-c", PIN_TRAIN, str(ROOT / "workflow")], env=full, capture_output=True, text=True
            )
        if proc.returncode != 0:
            raise SystemExit(f"pin benchmark failed:\n{proc.stderr[-3000:]}")
        rates[label] = float(proc.stdout.split()[-1])
    base = rates["JAX's own (unpinned)"]
    rows = [
        (f"lab training, JAX stages {k} (4-layer GPT-2, one job alone)", f"{v:,.0f} tokens/s") for k, v in rates.items()
    ]
    rows.append(("speed of the CPU pin against JAX's own settings", f"{rates['pinned'] / base:.2f}x"))
    return rows


def bench_tests() -> tuple[str, str]:
    """Wall time of the README's test command (linters and the whole pytest suite), as CI runs it
    (``CI=true`` and ``MEMTRADE_REQUIRE_SLURM=1`` in the environment are passed on)."""
    start = time.perf_counter()
    proc = subprocess.run(["bash", str(ROOT / "bin" / "test")], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= ")
    if proc.returncode != 0:  # reported as measured, not hidden: the table says the suite failed
        print(
            f"bash bin/test failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}", file=sys.stderr
        )
        return (TESTS_ROW, f"{wall:.0f} s, FAILED ({summary})")
    return (TESTS_ROW, f"{wall:.0f} s ({summary})")


def brown_cost(work: Path, config: dict) -> list[tuple[str, str]]:
    """Seconds per seed of each Brown et al. model (benchmark files of the run) and the paper-scale core-hours."""
    import pandas as pd

    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade.brown.settings import protocol_models as brown_protocol_models

    if "brown" not in config:
        return []
    cfg = config["brown"]
    overlay = yaml.safe_load((ROOT / "config" / "brown_paper_scale.yaml").read_text())["brown"]
    rows, per_seed = [], {}
    for protocol, spec in cfg["protocols"].items():
        for model in brown_protocol_models(spec, cfg["models"]):
            m = cfg["models"][model]
            files = sorted((work / "results" / "benchmarks" / "brown").glob(f"{protocol}_{model}_group*.tsv"))
            seconds = sum(float(pd.read_csv(f, sep="\t")["s"].iloc[0]) for f in files)
            per_seed[protocol, model] = seconds / m["seeds"]
            label = f"Brown et al. {protocol} {model}: seconds per seed"
            rows.append((label, f"{per_seed[protocol, model]:.1f} s ({m['seeds']} seeds)"))
    core_hours, borrowed = 0.0, []
    for protocol, spec in cfg["protocols"].items():
        merged = {**spec, **overlay.get("protocols", {}).get(protocol, {})}  # as Snakemake merges the overlay
        for model in brown_protocol_models(merged, cfg["models"]):
            seeds = overlay["models"].get(model, cfg["models"][model])["seeds"]
            if (protocol, model) not in per_seed:  # not run by the default config: the slowest measured protocol
                borrowed.append(f"{protocol} {model}")
            seconds = per_seed.get((protocol, model), max(v for (_, m), v in per_seed.items() if m == model))
            core_hours += seeds * seconds * cfg["blas_threads"] / 3600
    note = f"; {', '.join(borrowed)} at the slowest measured protocol's seconds per seed" if borrowed else ""
    rows.append(
        (
            "Brown et al. paper scale (config/brown_paper_scale.yaml): estimated training cost",
            f"{core_hours:.1f} core-hours (seeds x seconds per seed x {cfg['blas_threads']} threads{note})",
        )
    )
    return rows


MATMUL = """
import time, memtrade.lab, jax, jax.numpy as jnp
x = jnp.ones((1024, 1024), jnp.float32)
f = jax.jit(lambda a: a @ a)
f(x).block_until_ready()
start = time.perf_counter()
for _ in range(20):
    f(x).block_until_ready()
print(20 * 2 * 1024**3 / (time.perf_counter() - start) / 1e9)
"""


def lab_cost(work: Path, config: dict) -> list[tuple[str, str]]:
    """The language-model laboratory in the full run: its jobs' seconds (benchmark files), training
    throughput per size (each checkpoint's train.json) and its fraction of the machine's matmul rate."""
    import json

    import pandas as pd

    if "lab" not in config:
        return []
    files = sorted((work / "results" / "benchmarks" / "lab").glob("*.tsv"))
    seconds = {f.stem: float(pd.read_csv(f, sep="\t")["s"].iloc[0]) for f in files}
    total = sum(seconds.values())
    rows = [
        (
            "laboratory: job seconds in the full run (sum over its training and measurement jobs)",
            f"{total:.0f} s over {len(files)} jobs: at least {total / 2:.0f} s of the 2-core run's wall time",
        )
    ]
    for stage in ("pretrain", "finetune", "measure", "edit", "distill", "stim"):
        part = sum(v for k, v in seconds.items() if k.startswith(stage))
        if part:
            rows.append((f"laboratory: {stage} jobs", f"{part:.0f} s"))
    studies = sum(v for k, v in seconds.items() if k.startswith(("edit", "distill", "stim")))
    rows.append(
        (
            "laboratory: editing, distillation and STIM jobs (issue 21's budget: 8 min of wall time)",
            f"{studies:.0f} s: at least {studies / 2:.0f} s of the 2-core run's wall time",
        )
    )
    one_core = float(
        subprocess.run(
            [sys.executable, "-c", MATMUL], cwd=ROOT / "workflow", check=True, capture_output=True, text=True
        ).stdout.split()[-1]
    )
    rows.append(("matmul throughput of one core (JAX, float32 1024 x 1024, one XLA thread)", f"{one_core:.1f} GFLOP/s"))
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade.lab.gpt2 import GPT2Config, n_params

    models = work / "results" / "lab" / "models"
    for size, spec in config["lab"]["sizes"].items():
        for phase in ("pretrained", "undefended"):
            logs = [json.loads(p.read_text()) for p in sorted((models / size / phase).glob("group*/seed*/train.json"))]
            if not logs:
                continue
            tokens, secs = sum(g["tokens"] for g in logs), sum(g["seconds"] for g in logs)
            cfg = GPT2Config(config["lab"]["corpus"]["tokenizer_vocab"], config["lab"]["context"], **spec)
            gflops = 6 * n_params(cfg) * tokens / secs / 1e9  # 6 N per token: forward and backward matmuls
            rows.append(
                (
                    f"laboratory training throughput, {size} ({n_params(cfg)} parameters), "
                    f"{'pretraining' if phase == 'pretrained' else 'fine-tuning'}",
                    f"{tokens / secs:.0f} tokens/s, {gflops:.2f} GFLOP/s = {100 * gflops / one_core:.0f} % of one "
                    f"core's matmul rate (single-threaded job, real tokens on packed rows; compilation included)",
                )
            )
    return rows


def memscore_cost(work: Path, config: dict) -> list[tuple[str, str]]:
    """The memorization-score stage in the full run: its jobs' seconds (benchmark files) and, per
    estimation job, the subset models fitted per second (from the job's log: fits only)."""
    import re

    import pandas as pd

    if "memscore" not in config:
        return []
    files = sorted((work / "results" / "benchmarks" / "memscore").glob("*.tsv"))
    total = sum(float(pd.read_csv(f, sep="\t")["s"].iloc[0]) for f in files)
    rows = [
        (
            "memorization scores: job seconds in the full run (sum over its jobs)",
            f"{total:.0f} s over {len(files)} jobs, each on {config['memscore']['threads']} processes: "
            f"about {total:.0f} s of the 2-core run's wall time (budget: 300 s)",
        )
    ]
    pattern = re.compile(r"INFO (\w+) on (\w+): (\d+) models in ([0-9.]+) s \(([0-9.]+) models/s\)")
    for log in sorted((work / "results" / "logs" / "memscore").glob("*.log")):
        m = pattern.search(log.read_text())
        if m:
            learner, dataset, models, secs, rate = m.groups()
            note = " (budget: 1,000 models in 120 s)" if (learner, dataset) == ("logistic", "digits") else ""
            rows.append(
                (f"memorization scores: {learner} on {dataset}", f"{models} models in {secs} s, {rate} models/s{note}")
            )
    return rows


def diffusion_cost(work: Path, config: dict) -> list[tuple[str, str]]:
    """The diffusion stage in the full run: its jobs' seconds and, per sweep point, the seconds per
    training step of the batch holding the largest M, with its arithmetic rate against one core's
    matmul rate (about 12 rows x padded means x d operations per model-step: the two contractions of
    the forward pass and their gradients). The step times come from the jobs' logs."""
    import re

    import pandas as pd

    if "diffusion" not in config:
        return []
    df = config["diffusion"]
    files = sorted((work / "results" / "benchmarks" / "diffusion").glob("*.tsv"))
    total = sum(float(pd.read_csv(f, sep="\t")["s"].iloc[0]) for f in files)
    rows = [
        (
            "diffusion laboratory: job seconds in the full run (sum over its jobs)",
            f"{total:.0f} s over {len(files)} single-threaded jobs: at least {total / 2:.0f} s of the 2-core "
            "run's wall time (budget: 600 s)",
        )
    ]
    one_core = float(
        subprocess.run(
            [sys.executable, "-c", MATMUL], cwd=ROOT / "workflow", check=True, capture_output=True, text=True
        ).stdout.split()[-1]
    )
    # noisy rows per training point and step: their sampled time (draws) or every grid time
    per_time = df["train"]["draws"] * (df["times"]["count"] if df["train"]["times"] == "stratified" else 1)
    timing = re.compile(
        r"timing (d(\d+)_k\d+_n(\d+)) \w+: (\d+) models padded to (\d+) means, \d+ steps, ([0-9.]+) s per step"
    )
    largest: dict[str, list[tuple[int, int, float]]] = {}
    for log in sorted((work / "results" / "logs" / "diffusion").glob("d*_k*_n*.log")):
        for name, d, n, models, pad, step in timing.findall(log.read_text()):
            if int(pad) == int(n):  # the batch holding the largest M
                largest.setdefault(name, []).append((int(d), int(models), float(step)))
    for name, runs in sorted(largest.items()):
        d, models = runs[0][0], max(r[1] for r in runs)
        n = int(name.rsplit("_n", 1)[1])
        step = sum(r[2] for r in runs) / len(runs)
        gflops = 12 * (n * per_time) * n * d * models / step / 1e9
        rows.append(
            (
                f"diffusion laboratory: training step at the largest M, {name}",
                f"{step * 1000:.1f} ms per step of a batch of {models} models padded to {n} means "
                f"({step / models * 1000:.2f} ms per model-step); {gflops:.2f} GFLOP/s = "
                f"{100 * gflops / one_core:.0f} % of one core's matmul rate",
            )
        )
    # the two-region templates: B = N x times x draws rows of C x P pixels against the 2M parts (a
    # foreground and a background per component); the same count of six matmuls (two forward, four
    # backward) of 2 B C P (2M) multiply-adds each
    tset = df["templates"]
    tpl_timing = re.compile(
        r"timing templates \w+: (\d+) models padded to (\d+) components, \d+ steps, ([0-9.]+) s per step"
    )
    runs = [
        (int(models), float(step))
        for log in sorted((work / "results" / "logs" / "diffusion").glob("templates*.log"))
        for models, pad, step in tpl_timing.findall(log.read_text())
        if int(pad) == int(tset["n"])
    ]
    if runs:
        models = max(r[0] for r in runs)
        step = sum(r[1] for r in runs) / len(runs)
        rows_per_step = (
            tset["n"] * tset["train"]["draws"] * (df["times"]["count"] if tset["train"]["times"] == "stratified" else 1)
        )
        gflops = 12 * rows_per_step * 3 * 64 * 2 * tset["n"] * models / step / 1e9
        rows.append(
            (
                "diffusion laboratory: two-region templates, training step at the largest M",
                f"{step * 1000:.1f} ms per step of a batch of {models} models padded to {tset['n']} components "
                f"({step / models * 1000:.2f} ms per model-step); {gflops:.2f} GFLOP/s = "
                f"{100 * gflops / one_core:.0f} % of one core's matmul rate",
            )
        )
    return rows


def bench_coordinate_ascent() -> list[tuple[str, str]]:
    """One coordinate-ascent attack at paper size (d = 1000, 1500 hidden units, 500 classes), both ways."""
    sys.path.insert(0, str(ROOT / "workflow"))
    import numpy as np
    from memtrade.attacks import coordinate_ascent
    from memtrade.brown.nets import SoftmaxNet

    net = SoftmaxNet(1000, 500, 1500, np.random.default_rng(0))
    rows = []
    for label, score in (("full forward pass per proposal", net.log_proba), ("incremental O(hC) flips", net.queries())):
        start = time.perf_counter()
        _, _, sweeps = coordinate_ascent(score, [0], 1000, np.random.default_rng(1), max_sweeps=3)
        rows.append(
            (
                f"coordinate ascent, d = 1000, h = 1500, C = 500, {int(sweeps[0])} sweeps: {label}",
                f"{time.perf_counter() - start:.2f} s per attack",
            )
        )
    return rows


def bench_library() -> list[tuple[str, str]]:
    """Exact memorization + error of one configuration at d = 100 000, and the SDPI constants of the full grid."""
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade import exact
    from memtrade.learners import discrete, gaussian
    from memtrade.problems import make_problem
    from memtrade.sdpi import sdpi_table

    rows = []
    d = 100_000
    cases = [
        ("gaussian", "sign_subset k=d", lambda p, n: gaussian.sign_subset(p, n, p.d)),
        ("gaussian", "quantized_mean b=4", lambda p, n: gaussian.quantized_mean(p, n, 4, 2.0)),
        ("gaussian", "store_all b=2", lambda p, n: gaussian.store_all(p, n, 2, 2.0)),
        ("boolean", "majority_subset k=d", lambda p, n: discrete.majority_subset(p, n, p.d)),
        ("sparse", "agreement_subset k=d", lambda p, n: discrete.agreement_subset(p, n, p.d)),
        ("sparse", "store_all", lambda p, n: discrete.store_all(p, n)),
    ]
    for name, label, build in cases:
        problem = make_problem(name, d, {"c": 1.0})
        times = []
        for n in (1, 16, 256):
            start = time.perf_counter()
            exact.evaluate(build(problem, n), problem)
            times.append(time.perf_counter() - start)
        rows.append(
            (
                f"exact mem. + error, d = 100000, {name} {label}",
                f"max {max(times):.3f} s over n = 1, 16, 256 ({d / max(times):.2e} coordinates/s)",
            )
        )
    big = 10**9
    families = [
        ("gaussian", lambda p, n: gaussian.sign_subset(p, n, p.d)),
        ("gaussian", lambda p, n: gaussian.noisy_sign_subset(p, n, p.d, 1.0)),
        ("gaussian", lambda p, n: gaussian.quantized_mean(p, n, 4, 2.0)),
        ("gaussian", lambda p, n: gaussian.store_all(p, n, 2, 2.0)),
        ("boolean", lambda p, n: discrete.majority_subset(p, n, p.d)),
        ("boolean", lambda p, n: discrete.randomized_majority_subset(p, n, p.d, 0.1)),
        ("boolean", lambda p, n: discrete.store_all(p, n)),
        ("sparse", lambda p, n: discrete.agreement_subset(p, n, p.d)),
        ("sparse", lambda p, n: discrete.randomized_agreement_subset(p, n, p.d, 0.1)),
        ("sparse", lambda p, n: discrete.store_all(p, n)),
    ]
    for name, build in families:
        problem = make_problem(name, big, {"c": 1.0})
        worst, tol = 0.0, 0.0
        for n in (1, 16, 256):
            learner = build(problem, n)
            start = time.perf_counter()
            out = exact.evaluate(learner, problem)
            worst, tol = max(worst, time.perf_counter() - start), max(tol, out["test_error_tol"])
        rows.append(
            (
                f"exact mem. + error, d = 1e9, {name} {learner.family} (k = d)",
                f"max {worst:.3f} s over n = 1, 16, 256; error tolerance incl. neglected tail <= {tol:.1e}",
            )
        )
    rows.append(("peak resident memory of the library benchmark process", f"{peak_self_mib():.0f} MiB"))
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    for name in ("boolean", "sparse"):
        section = config["problems"][name]
        start = time.perf_counter()
        sdpi_table(name, section, section["d"], section["n"])
        count = len(section["d"]) * len(section["n"])
        rows.append((f"SDPI constants, full grid of {name} ({count} (d, n))", f"{time.perf_counter() - start:.1f} s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="benchmark the quick config only")
    parser.add_argument("--keep", metavar="DIR", help="copy each config's run from scratch to DIR/<quick|full>")
    parser.add_argument(
        "--tests-later",
        action="store_true",
        help="leave the test command's row for --tests-only (when bin/gallery must install the full run first)",
    )
    parser.add_argument(
        "--tests-only", action="store_true", help="measure only the test command; fill its row of docs/performance.md"
    )
    parser.add_argument(
        "--blas-only",
        action="store_true",
        help="run only tools/blas_kernels.py; replace its section of docs/performance.md",
    )
    parser.add_argument(
        "--memscore-only",
        action="store_true",
        help="measure only tools/memscore_benchmark.py; replace its section of docs/performance.md",
    )
    args = parser.parse_args()
    if args.tests_only:
        fill_tests_row(bench_tests())
        return
    if args.memscore_only:
        fill_section(MEMSCORE_HEADING, _tool("memscore_benchmark.py"))
        return
    if args.blas_only:
        fill_section(BLAS_HEADING, _tool("blas_kernels.py"))
        return
    rows = bench_library() + bench_cli() + bench_coordinate_ascent() + bench_jax_pin()
    rows += bench_config("quick", ROOT / "config" / "quick.yaml", ("store_all", "bits", [1, 2]), keep=args.keep)
    brown: list = []
    if not args.quick:
        rows += bench_config("full", ROOT / "config.yaml", ("store_all", "bits", [1, 2]), brown, keep=args.keep)
        rows.append(TESTS_LATER if args.tests_later else bench_tests())
    table = markdown_table(rows)
    print(table)
    if args.quick:
        return
    brown_table = markdown_table(brown)
    print(brown_table)
    mi = _capture([sys.executable, str(ROOT / "tools" / "mi_benchmark.py")])
    print(mi)
    peers = _capture([sys.executable, str(ROOT / "tools" / "eta_benchmark.py")])
    print(peers)
    memscore = _tool("memscore_benchmark.py")
    print(memscore)
    blas = _tool("blas_kernels.py")
    print(blas)
    report = _report_check()
    print(report)
    write_performance(table, brown_table, mi, peers, report, memscore, blas)


MEMSCORE_HEADING = "## Memorization scores and membership inference (`tools/memscore_benchmark.py`)"


BLAS_HEADING = "## The quick run under other CPUs' OpenBLAS kernels (`tools/blas_kernels.py`)"


def _tool(name: str) -> str:
    """The standard output of tools/<name>; its failure stops the benchmark."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / name)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"tools/{name} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def fill_section(heading: str, body: str) -> None:
    """Replace the section ``heading`` of docs/performance.md with ``body`` (inserted before the MI
    estimators' section when the file has none)."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    section = f"{heading}\n\n{body.strip()}\n\n"
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        anchor = text.index("## Exact memorization against general-purpose MI estimators")
        text = text[:anchor] + section + text[anchor:]
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade.io import write_text

    write_text(text, path)
    print(f"wrote {heading!r} into {path.name}")


def markdown_table(rows) -> str:
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measurement':<{width}} | result |", f"|{'-' * (width + 2)}|--------|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines) + "\n"


def _capture(cmd) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.stdout + (proc.stderr if proc.returncode else "")


def _report_check() -> str:
    """The quick run's report opened in headless Chromium (tools/check_report.py), its printed checks.

    The screenshots of the landing page and of one figure page are kept in a temporary folder whose
    path is printed, to be looked at."""
    shots = Path(tempfile.mkdtemp(prefix="memtrade-report-screenshots-"))
    with tempfile.TemporaryDirectory(prefix="memtrade-report-") as tmp:
        run(Path(tmp), ROOT / "config" / "quick.yaml")
        run(Path(tmp), ROOT / "config" / "quick.yaml", "--report", str(Path(tmp) / "report.html"))
        out = _capture(
            [
                sys.executable,
                str(ROOT / "tools" / "check_report.py"),
                str(Path(tmp) / "report.html"),
                "--results",
                str(Path(tmp) / "results"),
                "--screenshots",
                str(shots),
            ]
        )
    print(f"report screenshots: {shots}", file=sys.stderr)
    return out


TESTS_ROW = "the README's test command (bash bin/test)"
TESTS_LATER = (TESTS_ROW, "not yet measured: bash bin/benchmark --tests-only")


def fill_tests_row(row: tuple[str, str]) -> None:
    """Replace the test command's row of docs/performance.md's table with ``row`` (the full run's
    tables were measured before bin/gallery installed the run the tests check)."""
    import re

    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    pattern = re.compile(r"^\| " + re.escape(TESTS_ROW) + r" +\| .*\|$", re.M)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no row for {TESTS_ROW!r}; run bash bin/benchmark first")
    width = len(text[pattern.search(text).start() :].split("|")[1]) - 2
    text = pattern.sub(f"| {row[0]:<{width}} | {row[1]} |", text)
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade.io import write_text

    write_text(text, path)
    print(f"{row[0]}: {row[1]}")


def write_performance(table: str, brown: str, mi: str, peers: str, report: str, memscore: str, blas: str) -> None:
    """docs/performance.md, entirely generated (nothing in it is typed by hand)."""
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade.provenance import commit, machine

    cpu, head = machine(), commit(ROOT)
    state = " with uncommitted changes" if head["dirty"] else ""
    text = f"""# Performance

Written by `bash bin/benchmark` at commit {head["commit"][:12]}{state}, on {cpu["cpu"]}
({cpu["architecture"]}, {cpu["cpus"]} CPUs; do not edit by hand). Timings depend on the CPU: compare
only numbers measured on the same machine. Budgets: full reproduction <= 30 min with the
language-model laboratory (its share <= 12 min), quick config <= 90 s, no-op rerun <= 2 s, the
README's test command <= 12 min.

## Workflow and library

{table}
## Brown et al. cost per seed, the language-model laboratory and the memorization scores

Measured in the full run (each training job's `benchmark:` file), and the core-hours of
`config/brown_paper_scale.yaml` derived from them. The laboratory's rows: its jobs' seconds, and
each size's training throughput from its checkpoints' `train.json` against one core's measured
matmul rate (each laboratory job runs one XLA thread).

{brown}
{MEMSCORE_HEADING}

{memscore.strip()}

{BLAS_HEADING}

{blas.strip()}

## Exact memorization against general-purpose MI estimators (`tools/mi_benchmark.py`)

{mi}
## eta_KL against dit's hypercontractivity coefficient (`tools/eta_benchmark.py`)

{peers}
## The report in headless Chromium (`tools/check_report.py`)

```
{report.strip()}
```
"""
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade.io import write_text

    write_text(text, ROOT / "docs" / "performance.md")
    print("wrote docs/performance.md")


if __name__ == "__main__":
    main()
