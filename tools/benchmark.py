"""Benchmark the workflow: wall time of quick and full runs, no-op rerun, one-edit rerun.

    bash bin/benchmark            # quick and full configs
    bash bin/benchmark --quick    # quick config only

Each run happens in a fresh temporary working directory, so nothing under
results/ is touched. Peak memory is the largest resident set of any single
process the run started (getrusage of children), in MiB.
"""

from __future__ import annotations

import argparse
import copy
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def run(workdir: Path, config: Path, *extra: str) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir)]
    cmd += ["--cores", "2", "--configfile", str(config), *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return wall, proc.stdout + proc.stderr


def peak_child_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def bench_config(label: str, config: Path, edit: tuple[str, str, object]) -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"memtrade-bench-{label}-") as tmp:
        work = Path(tmp)
        wall, _ = run(work, config)
        rows.append((f"{label}: end to end from scratch", f"{wall:.1f} s"))
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


def bench_library() -> list[tuple[str, str]]:
    """Exact memorization + error of one configuration at d = 100 000, and the SDPI constants of the full grid."""
    sys.path.insert(0, str(ROOT / "workflow"))
    from memtrade import estimators
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
            estimators.evaluate(build(problem, n), problem)
            times.append(time.perf_counter() - start)
        rows.append(
            (
                f"exact mem. + error, d = 100000, {name} {label}",
                f"max {max(times):.3f} s over n = 1, 16, 256 ({d / max(times):.2e} coordinates/s)",
            )
        )
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
    args = parser.parse_args()
    rows = bench_library()
    rows += bench_config("quick", ROOT / "config" / "quick.yaml", ("store_all", "bits", [1, 2]))
    if not args.quick:
        rows += bench_config("full", ROOT / "config.yaml", ("store_all", "bits", [1, 2]))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measurement':<{width}} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
