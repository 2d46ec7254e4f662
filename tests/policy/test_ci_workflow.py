"""The CI artifact workflow cannot run here: check it by construction."""

import re

import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "reproduce.yml"


def _load():
    # PyYAML reads the key `on` as the boolean True
    return yaml.safe_load(WORKFLOW.read_text())


def _readme_commands() -> set[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return {line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines() if line.strip()}


def test_workflow_is_valid_and_cancels_superseded_runs():
    wf = _load()
    assert wf["name"] and True in wf and wf["jobs"]
    assert wf["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in wf["concurrency"]["group"]


def test_every_action_is_pinned_to_a_commit():
    for job in _load()["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_commands_are_exactly_the_readmes():
    runs = [step["run"].strip() for job in _load()["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs == ["bash bin/reproduce --configfile config/quick.yaml", "bash bin/test"]
    readme = _readme_commands()
    assert all(run in readme for run in runs), (runs, readme)
    assert "bash bin/reproduce" in readme and "bash bin/test" in readme


def test_artifacts_cover_figures_tables_verdicts_and_report():
    steps = [s for job in _load()["jobs"].values() for s in job["steps"]]
    upload = next(s for s in steps if "upload-artifact" in s.get("uses", ""))
    paths = upload["with"]["path"].split()
    assert {"results/figures/", "results/tables/", "results/claims.md", "results/report.html"} <= set(paths)
    assert upload["if"] == "always()"
