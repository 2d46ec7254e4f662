"""End to end: bad configurations stop the workflow before any job, overlays plan the right jobs, verdicts and
the gallery come out of a run."""

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
import yaml
from bad_configs import BAD
from conftest import QUICK, ROOT, copy_tree, results_sections, snakemake, write_config
from memtrade.docs import MarkerError, install_gallery, markers

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
        "memscore: retrieval base without sample_weight",
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
            assert f"results/brown/{protocol}/mlp/group{seed}.csv" in out
    mlp_jobs = [b for b in out.split("\n\n") if "/mlp/group" in b and "rule brown_run" in b]
    assert len(mlp_jobs) == 40 and all("runtime=60" in b and "mem_mb=6000" in b for b in mlp_jobs)


def test_lab_paper_scale_overlay_plans_gpu_jobs_at_gpt2_small_scale(tmp_path):
    """config/lab_paper_scale.yaml on top of config.yaml: one job per seed, a GPU each, GPT-2 small's size."""
    proc = snakemake(
        tmp_path,
        "--dry-run",
        "--configfile",
        str(ROOT / "config.yaml"),
        str(ROOT / "config" / "lab_paper_scale.yaml"),
        "--until",
        "lab_pretrain",
    )
    out = proc.stdout
    assert re.search(r"^lab_pretrain\s+9$", out, flags=re.M), out  # 3 sizes x 3 seeds, one seed per job
    jobs = [b for b in out.split("\n\n") if "rule lab_pretrain" in b]
    assert len(jobs) == 9 and all("gres=gpu:1" in b and "mem_mb=32000" in b for b in jobs), jobs[0]
    assert any("medium/pretrained/group2" in b for b in jobs)
    overlay = yaml.safe_load((ROOT / "config" / "lab_paper_scale.yaml").read_text())["lab"]
    assert overlay["accelerator"] == "cuda" and overlay["sizes"]["medium"] == {
        "n_embd": 768,
        "n_layer": 12,
        "n_head": 12,
    }


def test_diffusion_paper_scale_overlay_plans_one_gpu_job_per_sweep_point(tmp_path):
    """config/diffusion_paper_scale.yaml on top of config.yaml: their 64 sweep points, a GPU each, their steps."""
    proc = snakemake(
        tmp_path,
        "--dry-run",
        "--configfile",
        str(ROOT / "config.yaml"),
        str(ROOT / "config" / "diffusion_paper_scale.yaml"),
        "--until",
        "diffusion_point",
    )
    out = proc.stdout
    assert re.search(r"^diffusion_point\s+64$", out, flags=re.M), out
    jobs = [b for b in out.split("\n\n") if "rule diffusion_point" in b]
    assert len(jobs) == 64 and all("gres=gpu:1" in b and "mem_mb=16000" in b for b in jobs), jobs[0]
    assert any("points/d60_k12_n200.csv" in b for b in jobs)
    overlay = yaml.safe_load((ROOT / "config" / "diffusion_paper_scale.yaml").read_text())["diffusion"]
    assert overlay["accelerator"] == "cuda" and overlay["train"]["steps"] == 50000


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
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "claims.yaml").write_text("[]\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "run"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    (repo / "claims.yaml").write_text("[1]\n")  # an uncommitted change to a dependency: refused
    with pytest.raises(MarkerError, match="uncommitted"):
        install_gallery(built, repo)
    subprocess.run([*git, "checkout", "-q", "claims.yaml"], check=True)
    written = install_gallery(built, repo)
    record = json.loads((repo / "docs" / "gallery" / "provenance.json").read_text())
    assert record["commit"] == head and record["machine"]["cpus"] >= 1 and record["machine"]["cpu"]
    assert head[:12] in markers((repo / "README.md").read_text())["provenance"]
    assert str(repo / "README.md") in written and (repo / "docs" / "gallery" / "brown.png").exists()
    for doc in ("README.md", "docs/results.md"):
        sections = markers((repo / doc).read_text())
        assert sections and all(body.strip() and PLACEHOLDER not in body for body in sections.values()), doc
        assert _tables_parse("\n".join(sections.values())) >= 1
        claims_rows = [line for line in sections["claims"].splitlines() if line.startswith("| ") and "`" in line]
        assert len(claims_rows) == len(CLAIMS)
    results = markers((repo / "docs" / "results.md").read_text())
    assert set(results) == results_sections()
    assert "digits_flipped" in results["memscore"] and "retro_parametric" in results["memscore"]
    assert "dedup_near" in results["lab"] and "Not yet generated" not in results["lab"]
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


def test_lab_audit_config_entry_measures_a_users_checkpoint(quick_config, tmp_path):
    """lab.audit: a GPT-2 checkpoint the test writes and a samples file give one row per sample."""
    import memtrade.lab  # noqa: F401
    import numpy as np
    from memtrade.lab import gpt2, tokenizer

    lines = [f"record {i} of the audit with words and more words to fill the prompt" for i in range(5)]
    tok = tokenizer.train(lines * 20, 300)
    cfg = gpt2.GPT2Config(tok.get_vocab_size(), 96, 16, 1, 2)
    gpt2.save_checkpoint(tmp_path / "ckpt", gpt2.init_params(cfg, np.random.default_rng(0)), cfg, tok.to_str())
    (tmp_path / "samples.txt").write_text("\n".join(lines) + "\n")
    quick_config["lab"]["audit"] = {"mine": {"checkpoint": "ckpt", "samples": "samples.txt"}}
    quick_config["lab"]["extraction"] = {"prefix_tokens": 4, "suffix_tokens": 6}
    quick_config["lab"]["perturbation"] = {"tokens": [1], "draws": 2}
    cfg_path = write_config(tmp_path / "audit.yaml", quick_config)
    snakemake(tmp_path, "results/lab/audit/mine.csv", config=cfg_path)
    t = pd.read_csv(tmp_path / "results" / "lab" / "audit" / "mine.csv")
    assert len(t) == 5 and t["measurable"].all() and t["mem_score"].between(0, 1).all() and "mem_score_1" in t
