"""Every rule runs one library job through the one script, and declares that job's library files as
inputs, derived from its imports (so that editing library code reruns exactly the jobs that run it)."""

from conftest import ROOT, parsed_rules
from memtrade.imports import library_files
from memtrade.runner import module_name

LIB = ROOT / "workflow" / "memtrade"


def test_every_rule_runs_a_library_job_and_declares_its_library_files():
    checked = 0
    for rule in parsed_rules():
        if rule.name == "all":
            continue
        assert rule.script == "../scripts/job.py", f"rule {rule.name} runs {rule.script}"
        job = rule.input["job"]
        assert module_name(job).split(".")[1] in {"jobs", rule.name.split("_")[0], "theory"}, rule.name
        assert sorted(rule.input["lib"]) == library_files(job, LIB), f"rule {rule.name}: lib is not derived"
        checked += 1
    assert checked >= 30


def test_the_one_script_is_the_only_script():
    assert sorted(p.name for p in (ROOT / "workflow" / "scripts").iterdir()) == ["job.py"]
