"""End to end: bad configurations stop the workflow before any job, overlays plan the right jobs, verdicts and
the gallery come out of a run."""

import re
import shutil

import pandas as pd
import pytest
import yaml
from bad_configs import BAD
from conftest import QUICK, ROOT, copy_tree, snakemake, write_config
from memtrade.docs import install_gallery, markers

pytestmark = pytest.mark.workflow

CLAIMS = yaml.safe_load((ROOT / "claims.yaml").read_text())
PLACEHOLDER = "bash bin/gallery`"


@pytest.mark.parametrize(
    "case",
    [
        "negative d",
        "unknown learner",
        "n = 0",
        "missing section",
        "string for a number",
        "NaN in a float key",
        "sklearn estimator that does not import",
        "lab: unknown model size key",
        "lab: prefix longer than the context",
        "lab: checkpoint directory without model.safetensors",
    ],
)
def test_workflow_rejects_bad_config_before_any_job(case, quick_config, tmp_path):
    mutate, key = BAD[case]
    mutate(quick_config)
    cfg = write_config(tmp_path / "bad.yaml", quick_config)
    proc = snakemake(tmp_path, config=cfg, check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "memtrade: invalid configuration" in out and key in out, out
    assert "Traceback" not in out
    assert not (tmp_path / "results").exists()  # nothing ran


def test_brown_paper_scale_overlay_runs_20_mlp_seeds_with_cluster_resources(tmp_path):
    """config/brown_paper_scale.yaml on top of config.yaml: one SLURM job per MLP seed, with its resources."""
    proc = snakemake(
        tmp_path,
        "--dry-run",
        "--configfile",
        str(ROOT / "config.yaml"),
        str(ROOT / "config" / "brown_paper_scale.yaml"),
        "--until",
        "brown_run",
        "--printshellcmds",
    )
    out = proc.stdout
    assert re.search(r"^brown_run\s+48$", out, flags=re.M), out  # 2 protocols x (20 MLP + 4 logistic jobs)
    for protocol in ("faithful", "shared_labels_zipf"):
        for seed in range(20):
            assert f"results/brown/{protocol}/mlp/chunk{seed}.csv" in out
    mlp_jobs = [b for b in out.split("\n\n") if "/mlp/chunk" in b and "rule brown_run" in b]
    assert len(mlp_jobs) == 40 and all("runtime=60" in b and "mem_mb=6000" in b for b in mlp_jobs)


def test_quick_run_verdicts(quick_run):
    v = pd.read_csv(quick_run / "results" / "tables" / "claims.csv")
    assert list(v["id"]) == [c["id"] for c in CLAIMS]
    assert set(v["verdict"]) <= {"pass", "fail", "not-run"}
    assert v.loc[v["id"] == "invariants", "verdict"].item() == "pass"
    assert (quick_run / "results" / "claims.md").read_text().startswith("# Claims and verdicts")


def test_gallery_is_built_in_results_and_installed_outside_the_dag(quick_run, tmp_path):
    """Rule gallery writes only under results/gallery/; install_gallery (bash bin/gallery) fills the documents."""
    copy_tree(quick_run, tmp_path)
    snakemake(tmp_path, "gallery", config=QUICK)
    built = tmp_path / "results" / "gallery"
    assert (built / "brown.png").stat().st_size > 10_000 and (built / "sections.json").exists()
    assert not (tmp_path / "docs").exists() and not (tmp_path / "README.md").exists()  # nothing outside results/
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "README.md", repo / "README.md")
    shutil.copy(ROOT / "docs" / "results.md", repo / "docs" / "results.md")
    written = install_gallery(built, repo)
    assert str(repo / "README.md") in written and (repo / "docs" / "gallery" / "brown.png").exists()
    for doc in ("README.md", "docs/results.md"):
        sections = markers((repo / doc).read_text())
        assert sections and all(body.strip() and PLACEHOLDER not in body for body in sections.values()), doc
        assert _tables_parse("\n".join(sections.values())) >= 1
        claims_rows = [line for line in sections["claims"].splitlines() if line.startswith("| ") and "`" in line]
        assert len(claims_rows) == len(CLAIMS)
    results = markers((repo / "docs" / "results.md").read_text())
    assert set(results) == {"claims", "bounds", "ratios", "brown", "blackbox", "mixture"}
    assert "faithful" in results["brown"] and "shared_labels_zipf (ablation)" in results["brown"]


def _tables_parse(text: str) -> int:
    """Every Markdown table has the header's number of cells on each row; return the number of tables."""
    count, width = 0, None
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = len(re.split(r"(?<!\\)\|", line.strip().strip("|")))
            if width is None:
                width, count = cells, count + 1
            else:
                assert cells == width, line
        else:
            width = None
    return count
