"""Runs last (file order): the test run left the work tree as it found it (no stray or generated files)."""

import subprocess

from conftest import GIT_STATUS_AT_START, ROOT


def test_the_test_run_leaves_git_status_unchanged():
    now = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    assert now == GIT_STATUS_AT_START, f"before:\n{GIT_STATUS_AT_START}\nafter:\n{now}"
