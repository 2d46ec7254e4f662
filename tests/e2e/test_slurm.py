"""Every cluster rule of the quick config on a real single-node SLURM, through Snakemake's SLURM
executor plugin.

Runs when it can: as root, with the Debian packages slurmctld, slurmd, slurm-client and munge
installed or installable. Otherwise it is skipped with the reason, unless
MEMTRADE_REQUIRE_SLURM=1 (set by .ci/run), which turns a skip into a failure.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import QUICK, ROOT, local_rules, snakemake, tables, write_config

pytestmark = pytest.mark.workflow
HELPER = ROOT / "tools" / "slurm_local.sh"
REQUIRED = os.environ.get("MEMTRADE_REQUIRE_SLURM") == "1"
# no accounting database here: status through squeue, no account lookup; quick polling for the test
SLURM_FLAGS = [
    "--profile",
    str(ROOT / "profiles" / "slurm"),
    "--slurm-no-account",
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "1",
]


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"SLURM is required (MEMTRADE_REQUIRE_SLURM=1) but unavailable: {reason}")
    pytest.skip(f"no local SLURM: {reason}")


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """Start munged, slurmctld and slurmd; yield the client environment; stop them by pid file."""
    if os.geteuid() != 0:
        _unavailable("not root (the daemons and the package install need root)")
    if shutil.which("apt-get") is None and shutil.which("slurmctld") is None:
        _unavailable("neither the SLURM packages nor apt-get are present")
    install = subprocess.run(["bash", str(HELPER), "install"], capture_output=True, text=True)
    if install.returncode != 0:
        _unavailable(f"installing the SLURM packages failed: {install.stderr[-500:]}")
    state = tmp_path_factory.mktemp("slurm")
    start = subprocess.run(["bash", str(HELPER), "start", str(state)], capture_output=True, text=True)
    if start.returncode != 0:
        subprocess.run(["bash", str(HELPER), "stop", str(state)])
        _unavailable(f"starting SLURM failed: {start.stdout[-300:]} {start.stderr[-500:]}")
    env = {**os.environ, "SLURM_CONF": str(state / "slurm.conf"), "PYTHONHASHSEED": "0"}
    try:
        yield env
    finally:
        subprocess.run(["bash", str(HELPER), "stop", str(state)])


def _run(workdir, env, config, *extra):
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "-s",
        str(ROOT / "Snakefile"),
        "-d",
        str(workdir),
        "--configfile",
        str(config),
        *SLURM_FLAGS,
        "--slurm-logdir",  # SLURM's own job output files: under the run's logs, never in the repository
        str(workdir / "results" / "logs" / "slurm"),
        *extra,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=workdir, timeout=1500)


# One output of every cluster rule of the quick config, with the least upstream work, and one
# localrule (diffusion_tables) on top of cluster jobs. The whole quick DAG on SLURM costs about five
# seconds of job start-up and polling per job (about 80 cluster jobs: six minutes on two cores);
# what can differ on a cluster is per rule (its resources, environment and paths), so every cluster
# rule runs here at least once, and the test fails when a rule is added without a target below.
SLICE = [
    "results/exact/sparse/store_all.csv",
    "results/sdpi/sparse.csv",
    "results/blackbox/sparse/knn.csv",
    "results/brown/shared_labels_zipf/logistic/group0.csv",
    "results/mixture/prior/zipf_0.75_tradeoff.csv",
    "results/mixture/curves.csv",
    "results/lab/measure/tiny/undefended/group0_records.csv",
    "results/lab/editing/group0_records.csv",
    "results/lab/distillation/group0_records.csv",
    "results/lab/stim/group0_tokens.csv",
    "results/memscore/removal/logistic.csv",
    "results/memscore/retro/digits.csv",
    "results/diffusion/ablation/models.csv",
    "results/tables/diffusion_models.csv",
]


def _dag_rules(workdir, config) -> set[str]:
    """The rules of the config's whole DAG (a dry run's job statistics)."""
    proc = snakemake(workdir, "-n", "--forceall", config=config)
    stats = proc.stdout.split("Job stats:", 1)[1].split("total", 1)[0]
    return set(re.findall(r"^(\w+)\s+\d+$", stats, re.M))


def test_every_cluster_rule_on_slurm_is_byte_identical_to_local(slurm, quick_run, tmp_path):
    proc = _run(tmp_path, slurm, QUICK, *SLICE)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    submitted = set(re.findall(r"has been submitted with SLURM jobid \d+ \(log: \S*/rule_(\w+)/", out))
    local = local_rules()
    expected = _dag_rules(tmp_path, QUICK) - local - {"all"}
    assert submitted == expected, f"cluster rules without a SLICE target: {expected - submitted}"
    assert "diffusion_tables" in local and (tmp_path / "results/tables/diffusion_models.csv").exists()
    local_tables, cluster = tables(quick_run), tables(tmp_path)
    assert cluster.keys() <= local_tables.keys() and len(cluster) > 20
    assert [k for k in cluster if local_tables[k] != cluster[k]] == []


def test_failed_cluster_job_is_reported_and_a_rerun_recovers(slurm, quick_config, tmp_path):
    target = "results/sdpi/sparse.csv"
    bad = write_config(tmp_path / "fail.yaml", {**quick_config, "inject_failure": "sdpi:sparse"})
    proc = _run(tmp_path, slurm, bad, target)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Error in rule sdpi" in out and "results/logs/sdpi/sparse.log" in out, out[-3000:]
    assert "injected failure" in (tmp_path / "results" / "logs" / "sdpi" / "sparse.log").read_text()
    assert not (tmp_path / target).exists()
    good = write_config(tmp_path / "good.yaml", quick_config)
    proc = _run(tmp_path, slurm, good, target)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (tmp_path / target).stat().st_size > 0
