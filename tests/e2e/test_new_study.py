"""Adding a study touches its own package, its rules file, its schema fragment and claims.yaml, and
nothing else: the worked example of docs/workflow.md, written into a copy of the repository from the
page itself, runs end to end (its table, figure, claim verdict, report caption and results section)."""

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
import yaml
from conftest import ROOT, SNAKEMAKE

pytestmark = pytest.mark.workflow

FENCE = re.compile(r"^```\w+ (\S+)\n(.*?)^```$", re.M | re.S)
CONFIG = {
    "seed": 3,
    "problems": {"sparse": {"d": [20], "n": [1, 2], "c": 1.0}},
    "learners": {"agreement_subset": {"family": "agreement_subset", "k_fraction": [1.0]}},
    "analysis": {"target_error": None, "frontier_n": 1},
    "coins": {"n": [4, 8], "k": 3, "seeds": 2},
}


def _example_files() -> dict[str, str]:
    files = dict(FENCE.findall((ROOT / "docs" / "workflow.md").read_text()))
    assert "workflow/memtrade/coins/study.py" in files and "claims.yaml" in files, sorted(files)
    return files


def test_the_worked_example_adds_a_study_touching_only_its_own_files(tmp_path):
    repo = tmp_path / "repo"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    for name, text in _example_files().items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.read_text() + text if name == "claims.yaml" else text)
    changed = {n for n in _example_files() if (ROOT / n).exists()}
    added = set(_example_files()) - changed
    assert changed == {"claims.yaml"}
    assert all(
        n.startswith(("workflow/memtrade/coins/", "workflow/rules/coins.smk", "workflow/schemas/coins.schema.yaml"))
        for n in added
    ), sorted(added)

    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    cmd = [*SNAKEMAKE, "-s", str(repo / "Snakefile"), "-d", str(tmp_path / "run"), "--cores", "2"]
    cmd += ["--configfile", str(tmp_path / "config.yaml")]
    proc = subprocess.run([*cmd[:-2], "all", "gallery", *cmd[-2:]], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = tmp_path / "run" / "results"
    assert (pd.read_csv(res / "tables" / "coins_recovered.csv")["recovered_bits"] == 3).all()
    assert (res / "figures" / "coins_recovered.png").stat().st_size > 5000
    verdicts = pd.read_csv(res / "tables" / "claims.csv").set_index("id")["verdict"]
    assert verdicts["coins_recover_stored"] == "pass"
    manifest = json.loads((res / "gallery" / "sections.json").read_text())
    assert "coins" in manifest["sections"] and manifest["titles"]["coins"] == "Coins"
    assert "coins_recovered.png" in manifest["figures"]
    # a bad value of the new section is rejected with its key, before any job
    bad = {**CONFIG, "coins": {**CONFIG["coins"], "k": 9}}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    proc = subprocess.run([*cmd[:-1], str(tmp_path / "bad.yaml")], capture_output=True, text=True)
    assert proc.returncode != 0 and "config key 'coins.k'" in proc.stdout + proc.stderr
