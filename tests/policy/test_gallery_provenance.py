"""The README's numbers name the code that computed them: docs/gallery/provenance.json (written by
bash bin/gallery) records the commit of the full run it installed, and no file that run depended
on (memtrade.provenance.DEPENDS: workflow/, configs, claims.yaml, Snakefile, pins) may differ
between that commit and HEAD. After such a change, rerun bash bin/gallery and commit what it writes.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import ROOT
from memtrade.provenance import DEPENDS, changed_since

RECORD = ROOT / "docs" / "gallery" / "provenance.json"


def _git(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def test_the_installed_full_run_is_heads_code():
    assert RECORD.exists(), "docs/gallery/provenance.json is missing: run bash bin/gallery"
    record = json.loads(RECORD.read_text())
    assert record["machine"]["cpu"] and record["machine"]["cpus"] >= 1 and not record["dirty"]
    if _git("rev-parse", "--is-inside-work-tree").returncode != 0:
        pytest.skip("not a git checkout: the commit cannot be compared")
    if _git("cat-file", "-e", f"{record['commit']}^{{commit}}").returncode != 0:
        shallow = _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        if shallow:
            pytest.skip("shallow clone: the gallery's commit is not in the history")
        pytest.fail(f"the gallery's commit {record['commit']} is not in this repository's history")
    changed = changed_since(ROOT, record["commit"])
    assert not changed, (
        f"files the README's full run depended on changed since its commit {record['commit'][:12]} "
        f"({', '.join(DEPENDS)}): {changed}; rerun bash bin/gallery"
    )


def test_the_check_sees_a_changed_dependency(tmp_path):
    """The comparison can fail: a repository whose claims.yaml changed after the recorded commit."""
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "claims.yaml").write_text("[]\n")
    (tmp_path / "notes.md").write_text("a\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "run"], check=True)
    sha = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / "notes.md").write_text("b\n")  # not a dependency
    subprocess.run([*git, "commit", "-qam", "docs"], check=True)
    assert changed_since(tmp_path, sha) == []
    (tmp_path / "claims.yaml").write_text("[1]\n")
    subprocess.run([*git, "commit", "-qam", "claims"], check=True)
    assert changed_since(tmp_path, sha) == ["claims.yaml"]
