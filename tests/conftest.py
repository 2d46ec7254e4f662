"""Shared fixtures: repository paths, configs, and a helper that runs the workflow."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
QUICK = ROOT / "config" / "quick.yaml"
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def results_sections() -> set[str]:
    """The generated sections of docs/results.md: the claims and every study's (memtrade.study)."""
    from memtrade.study import studies

    return {"claims"} | {name for s in studies() for name in s.results}


def parsed_workflow(configfile: Path = QUICK, workdir: Path | None = None):
    """The workflow parsed with ``configfile`` (Snakemake's API, nothing run)."""
    import tempfile

    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings

    workdir = Path(workdir or tempfile.mkdtemp())
    with SnakemakeApi(OutputSettings()) as api:
        wf = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(configfiles=[Path(configfile)]),
            snakefile=ROOT / "Snakefile",
            workdir=workdir,
        )
        return wf._workflow


def parsed_rules(configfile: Path = QUICK, workdir: Path | None = None) -> list:
    """The rules of the workflow parsed with ``configfile``."""
    return list(parsed_workflow(configfile, workdir).rules)


def local_rules(configfile: Path = QUICK) -> set[str]:
    """The rules that run where Snakemake runs (``localrule: True``), not as cluster jobs."""
    w = parsed_workflow(configfile)
    return {r.name for r in w.rules if r.name in w._localrules}


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout


@pytest.fixture(scope="session", autouse=True)
def leaves_the_work_tree_as_it_found_it():
    """Repository policy, whatever order the tests run in: the test run leaves ``git status`` unchanged
    (no stray or generated files). Checked at the end of the session; a change is reported as an error."""
    before = _git_status()
    yield
    after = _git_status()
    assert after == before, f"the test run changed the work tree.\nbefore:\n{before}\nafter:\n{after}"


def snakemake(workdir: Path, *args: str, config: Path | None = None, check: bool = True, timeout: int = 600):
    """Run the workflow with ``workdir`` as working directory; return the CompletedProcess."""
    cmd = [*SNAKEMAKE, "-s", str(ROOT / "Snakefile"), "-d", str(workdir), "--cores", "2"]
    cmd += list(args)
    if config is not None:  # last: --configfile takes every following word as a config file
        cmd += ["--configfile", str(config)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=workdir)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def quick_config() -> dict:
    return copy.deepcopy(yaml.safe_load(QUICK.read_text()))


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> Path:
    """One complete run of the quick config; tests read its outputs (do not modify them)."""
    workdir = tmp_path_factory.mktemp("quick_run")
    snakemake(workdir, config=QUICK)
    return workdir


def tables(workdir: Path) -> dict[str, bytes]:
    """Every CSV the workflow wrote, by path relative to its results folder."""
    base = workdir / "results"
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*.csv"))}


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)
