"""The workflow end to end on the quick config: outputs, invariants, determinism, restarts, reruns."""

import os
import re
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
from conftest import QUICK, ROOT, SNAKEMAKE, copy_tree, parsed_rules, snakemake, tables, write_config
from memtrade.info import h2

pytestmark = pytest.mark.workflow


PROBLEMS = ["boolean", "gaussian", "sparse"]


def test_all_outputs_exist(quick_run):
    res = quick_run / "results"
    for name in ["memorization.csv", "ratios.csv"]:
        assert (res / "tables" / name).stat().st_size > 0
    for problem in PROBLEMS:
        for name in ["memorization", "best_at_target", "targets"]:
            assert (res / "tables" / f"{problem}_{name}.csv").stat().st_size > 0
        for fig in ["mem_vs_n", "mem_vs_d", "frontier"]:
            for ext in ["pdf", "png"]:
                assert (res / "figures" / f"{problem}_{fig}.{ext}").stat().st_size > 10_000
    for fig in ["rates", "sdpi_constants", "ratios"] + [
        f"mixture_{f}" for f in ("mem_vs_n", "frontier", "singletons", "feldman")
    ]:
        assert (res / "figures" / f"{fig}.png").stat().st_size > 10_000
    for problem in PROBLEMS:
        bb = pd.read_csv(res / "tables" / f"blackbox_{problem}.csv")
        ref = bb[bb["exact_bits"].notna()]
        assert len(ref) and (ref["certified_bits"] <= ref["exact_bits"]).all()
        assert (res / "figures" / f"blackbox_{problem}.png").stat().st_size > 10_000
        assert (res / "models" / problem / "logistic.npz").exists()
        assert not list((res / "datasets" / problem).glob("*.npz"))  # temporary datasets are gone
        assert len(list((res / "datasets" / problem).glob("*.json"))) == 3  # their sidecars stay
    brown = pd.read_csv(res / "tables" / "brown_attack.csv")
    assert set(brown["model"]) == {"logistic", "mlp"} and (brown["seeds"] == 3).all()
    assert set(brown["protocol"]) == {"faithful", "shared_labels_zipf"}
    assert set(brown.loc[brown["ablation"], "protocol"]) == {"shared_labels_zipf"}
    trained = set(zip(brown["protocol"], brown["model"], strict=True))  # each protocol trains the models it lists
    assert trained == {("faithful", "logistic"), ("faithful", "mlp"), ("shared_labels_zipf", "logistic")}
    assert (brown.dropna(subset=["recovery_all"])["certified_bits_per_singleton"] >= 0).all()
    assert (res / "figures" / "brown.png").stat().st_size > 10_000
    trade = pd.read_csv(res / "tables" / "mixture_tradeoff.csv")
    assert (trade["memorization_bits"] >= trade["lower_bound_bits"]).all() and trade["holds_every_draw"].all()
    assert not list(res.rglob(".*.tmp-*")), "temporary files left behind"


def test_table_rows_and_columns(quick_run, quick_config):
    from memtrade.learners import FAMILIES

    t = pd.read_csv(quick_run / "results" / "tables" / "memorization.csv")
    # one row per (problem, d, n, learner, parameter): no duplicates, every grid point present
    assert not t.duplicated(["problem", "d", "n", "learner", "param_value", "noise"]).any()
    assert set(t["problem"]) == set(PROBLEMS) == set(quick_config["problems"])
    assert (t["seed"] == quick_config["seed"]).all()
    for problem, grid in quick_config["problems"].items():
        tp = t[t["problem"] == problem]
        assert set(tp["d"]) == set(grid["d"]) and set(tp["n"]) == set(grid["n"])
        expected = {name for name, spec in quick_config["learners"].items() if problem in FAMILIES[spec["family"]]}
        assert set(tp["learner"]) == expected
        # the problem's subset learner at k = d is present for every (d, n) (fraction 1 is always on the grid)
        at_d = tp[(tp["param_name"] == "k") & (tp["param_value"] == tp["d"])]
        subset = at_d[at_d["family"].isin(["sign_subset", "majority_subset", "agreement_subset"])]
        assert len(subset) == len(grid["d"]) * len(grid["n"])
        # each randomized family: once per noise value at every (d, n)
        for name, spec in quick_config["learners"].items():
            if problem in FAMILIES[spec["family"]] and ("tau" in spec or "epsilon" in spec):
                noise = spec.get("tau", spec.get("epsilon"))
                rows = at_d[at_d["learner"] == name]
                assert len(rows) == len(grid["d"]) * len(grid["n"]) * len(noise)
                assert set(rows["noise"]) == set(map(float, noise))


def test_invariant_memorization_at_least_lower_bound_on_every_row(quick_run, quick_config):
    t = pd.read_csv(quick_run / "results" / "tables" / "memorization.csv")
    F = t["F"].to_numpy().copy()
    gauss = (t["problem"] == "gaussian").to_numpy()
    sigma2 = quick_config["problems"]["gaussian"]["c"] * np.sqrt(t.loc[gauss, "d"])
    F[gauss] = sigma2 * (1 + sigma2) / t.loc[gauss, "n"]  # Gaussian: independent of the pipeline's F
    lb = F * (1 - h2(np.minimum(t["test_error"], 1 - t["test_error"])))
    np.testing.assert_allclose(t["lower_bound_bits"], lb, rtol=1e-9)
    assert (t["memorization_bits"] >= lb).all(), t[t["memorization_bits"] < lb]
    assert (t["test_error_tol"] < 2e-3).all()
    # the SDPI constants inside their sanity bounds on every row
    s = pd.concat([pd.read_csv(quick_run / "results" / "sdpi" / f"{p}.csv") for p in PROBLEMS])
    for name in ("tau", "rho"):
        assert (s[f"{name}_maxcorr2"] <= s[name] * (1 + 1e-9)).all()
        assert (s[name] <= s[f"{name}_dobrushin"] * (1 + 1e-9)).all()


@pytest.mark.parametrize(
    ("problem", "natural"),
    [("gaussian", "sign_subset"), ("boolean", "majority_subset"), ("sparse", "agreement_subset")],
)
def test_best_at_target_is_least_memorizing(quick_run, problem, natural):
    t = pd.read_csv(quick_run / "results" / "tables" / f"{problem}_memorization.csv")
    best = pd.read_csv(quick_run / "results" / "tables" / f"{problem}_best_at_target.csv")
    assert len(best)
    for row in best.itertuples():
        ok = t[(t.d == row.d) & (t.n == row.n) & (t.learner == row.learner) & (t.test_error <= row.target_error)]
        assert row.memorization_bits == pytest.approx(ok["memorization_bits"].min())
    # at n = 1 only the natural learner with k = d reaches its own error, by definition of the default target
    first = best[(best.n == 1) & (best.learner == natural)]
    assert len(first) and (first["param_value"] == first["d"]).all()
    ratios = pd.read_csv(quick_run / "results" / "tables" / "ratios.csv")
    r = ratios[ratios.problem == problem]
    for row in r.itertuples():  # the ratio table picks the least memorization over learners
        cands = best[(best.d == row.d) & (best.n == row.n)]
        assert row.memorization_bits == pytest.approx(cands["memorization_bits"].min())


def test_columns_are_documented(quick_run, quick_config):
    """Every column of every table a study declares (memtrade.study) is documented in docs/outputs.md."""
    from memtrade.study import tables as declared

    doc = (ROOT / "docs" / "outputs.md").read_text()
    files = [t.file for t in declared(quick_config).values()]
    assert len(files) > 40
    for name in files:
        for col in pd.read_csv(quick_run / "results" / name).columns:
            assert f"`{col}`" in doc, f"column {col} of {name} is not documented in docs/outputs.md"


def test_noop_rerun_does_nothing(quick_run, tmp_path):
    copy_tree(quick_run, tmp_path)
    proc = snakemake(tmp_path, "--dry-run", config=QUICK)
    assert "Nothing to be done" in proc.stdout + proc.stderr


def _planned_jobs(proc) -> list[str]:
    return re.findall(r"^rule (\w+):\n(?:.*\n)*?\s+output: (\S+)", proc.stdout, flags=re.M)


def test_editing_one_learner_reruns_only_its_jobs(quick_run, quick_config, tmp_path):
    copy_tree(quick_run, tmp_path)
    quick_config["learners"]["store_all"]["bits"] = [1, 2]
    cfg = write_config(tmp_path / "edited.yaml", quick_config)
    proc = snakemake(tmp_path, "--dry-run", config=cfg)
    planned = _planned_jobs(proc)
    exact = [out for rule, out in planned if rule == "exact"]
    assert exact and all(out.endswith("/store_all.csv") for out in exact), planned
    downstream = {"exact", "theory_tables", "theory_figures", "claims", "report_landing"}
    assert {rule for rule, _ in planned} <= downstream
    assert not any(rule == "sdpi" for rule, _ in planned)


def _job_files() -> dict[str, str]:
    """Rule name -> the library job module it runs (its ``job`` input)."""
    return {r.name: r.input["job"] for r in parsed_rules() if r.name != "all"}


@pytest.mark.parametrize("module", ["plotting.py", "brown/experiment.py", "seeds.py"])
def test_editing_a_library_module_reruns_exactly_the_jobs_that_import_it(module, quick_run, tmp_path):
    """Editing a library file (a comment appended; Snakemake compares checksums, so a new date alone is not
    an edit) reruns every job whose script imports it, directly or through other modules, and otherwise
    only jobs that consume rerun outputs. The file is restored, bytes and date, whatever happens.

    A job that imports the module and also consumes a rerun output is reported by Snakemake for the
    latter reason, so the jobs named as triggered by the file itself are a subset of the importers."""
    from memtrade.imports import library_files

    lib = ROOT / "workflow" / "memtrade"
    target = lib / module
    importers = {rule for rule, job in _job_files().items() if str(target) in library_files(job, lib)}
    copy_tree(quick_run, tmp_path)
    original, before = target.read_bytes(), target.stat()
    try:
        target.write_bytes(original + b"# edited by a test\n")
        proc = snakemake(tmp_path, "--dry-run", config=QUICK)
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    jobs = re.split(r"^rule ", proc.stdout, flags=re.M)[1:]
    updated = re.compile(r"reason: .*Updated input files: .*" + re.escape(module))
    direct = {j.split(":", 1)[0] for j in jobs if updated.search(j)}
    every = snakemake(tmp_path, "--dry-run", "--forceall", config=QUICK).stdout
    in_dag = {j.split(":", 1)[0] for j in re.split(r"^rule ", every, flags=re.M)[1:]}
    planned = {j.split(":", 1)[0] for j in jobs}
    assert importers & in_dag and importers & in_dag <= planned, (planned, importers & in_dag)
    assert direct and direct <= importers, (direct, importers)  # the file triggers only its importers
    for job in jobs:  # everything else that reruns consumes a rerun output
        if job.split(":", 1)[0] not in importers:
            assert "reason: Input files updated by another job" in job, job


def test_interrupted_run_recovers_without_partial_files_and_byte_identical_tables(quick_run, tmp_path):
    """A second run from scratch, killed early and resumed: no half-written file under a final name, and
    every table byte-identical to the uninterrupted run's (the same config gives the same bytes)."""
    cmd = [*SNAKEMAKE, "-s", str(ROOT / "Snakefile"), "-d", str(tmp_path), "--cores", "2", "--configfile", str(QUICK)]
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    exact_dir = tmp_path / "results" / "exact"

    def finished_csvs(root):  # a dot-prefixed CSV is an atomic write still in progress (memtrade.io)
        return [p for p in root.rglob("*.csv") if not p.name.startswith(".")] if root.exists() else []

    deadline = time.time() + 120
    while time.time() < deadline and not finished_csvs(exact_dir):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # snakemake and every running job
    proc.wait()
    final = tmp_path / "results" / "tables" / "memorization.csv"
    assert not final.exists(), "the run finished before it could be interrupted"
    # whatever exists under a final name is complete: byte-identical to the uninterrupted run's file
    survivors = finished_csvs(tmp_path / "results")
    assert survivors
    for path in survivors:
        assert path.read_bytes() == (quick_run / path.relative_to(tmp_path)).read_bytes(), path
    # a SIGKILL leaves Snakemake's lock behind: release it as a user would, then resume
    snakemake(tmp_path, "--unlock", config=QUICK)
    snakemake(tmp_path, config=QUICK)  # incomplete outputs are redone (rerun-incomplete)
    first, second = tables(quick_run), tables(tmp_path)
    assert first.keys() == second.keys() and len(first) >= 5
    # the language-model laboratory's JAX stages included (fixed XLA threads and flags)
    assert {f"tables/lab_{t}.csv" for t in ("extraction", "exposure", "defences", "bits", "models")} <= first.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_report_renders(quick_run, tmp_path):
    copy_tree(quick_run, tmp_path)
    snakemake(tmp_path, "--report", str(tmp_path / "report.html"), config=QUICK)
    html = (tmp_path / "report.html").read_text(errors="replace")
    assert len(html) > 100_000 and "mem_vs_n" in html
