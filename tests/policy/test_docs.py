"""Documents: generated sections filled from a run's tables, no references outside the repository."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, results_sections
from memtrade.docs import MarkerError, fill, markers


def test_fill_replaces_only_between_markers_and_requires_every_marker():
    text = "a\n<!-- memtrade:x -->\nold\n<!-- /memtrade:x -->\nb\n"
    assert fill(text, {"x": "new"}) == "a\n<!-- memtrade:x -->\nnew\n<!-- /memtrade:x -->\nb\n"
    with pytest.raises(MarkerError):
        fill(text, {"y": "new"})
    repo_markers = markers((ROOT / "docs" / "results.md").read_text())
    assert set(repo_markers) == results_sections()
    assert set(markers((ROOT / "README.md").read_text())) == {"claims", "gallery", "provenance"}


def test_no_tracked_file_points_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    forbidden = ["../" + "shared", "SCIENCE" + ".md"]
    bad = []
    for name in files:
        try:
            text = (ROOT / name).read_text()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        bad += [f"{name}: {word}" for word in forbidden if word in text]
    assert bad == []


def test_readme_is_short_and_links_every_doc():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    for doc in ("science", "results", "configuration", "outputs", "cluster", "performance", "workflow", "cli"):
        assert f"docs/{doc}.md" in readme and (ROOT / "docs" / f"{doc}.md").exists()


def test_every_figure_caption_says_what_to_look_at_and_names_a_claim():
    """The report caption of every figure a study declares (memtrade.study) exists, names a claim of
    claims.yaml and says what to look at."""
    from memtrade.study import studies

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    claims = {c["id"] for c in yaml.safe_load((ROOT / "claims.yaml").read_text())}
    files = {Path(s.caption(f.caption)) for s in studies() for f in s.figures(config)}
    assert len(files) >= 13 and all(f.exists() for f in files), sorted(files)
    for path in sorted(files):
        text = path.read_text()
        named = set(re.findall(r"``([a-z0-9_]+)``", text)) & claims
        assert named, f"{path.name} names no claim of claims.yaml"
        assert re.search(r"\blook\b", text, flags=re.I), f"{path.name} does not say what to look at"
