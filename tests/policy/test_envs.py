"""Pinned versions live in requirements.txt; the conda env files cannot drift from it."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT, parsed_rules

from tools.gen_envs import ENVS, _norm, read_pins


def test_env_files_are_generated_from_the_pins():
    proc = subprocess.run([sys.executable, "tools/gen_envs.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_env_pin_equals_requirements():
    pins = read_pins()
    for path in sorted((ROOT / "envs").glob("*.yaml")):
        env = yaml.safe_load(path.read_text())
        pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
        assert pip, path
        for spec in pip:
            name, version = spec.split("==")
            name = name.split("[")[0]  # jax[cuda12]: the extra pulls the CUDA plugin at jax's pinned version
            assert pins[_norm(name)] == version, f"{path.name}: {spec} but requirements.txt pins {pins[_norm(name)]}"
        assert "python=3.11" in env["dependencies"]


def test_requirements_are_all_exact_pins():
    lines = [ln for ln in (ROOT / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9.+\-]*", ln) for ln in lines)


# import name -> requirement name, where they differ
DISTRIBUTION = {"sklearn": "scikit-learn", "yaml": "pyyaml", "PIL": "pillow", "dp_accounting": "dp-accounting"}
STDLIB = set(sys.stdlib_module_names)


def _third_party_imports(files) -> set[str]:
    """The top-level third-party modules that the library files import (any depth of the file)."""
    import ast

    names = set()
    for f in files:
        for node in ast.walk(ast.parse(Path(f).read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in STDLIB and n not in ("memtrade", "__future__")}


def test_every_rule_declares_an_existing_env_with_what_its_job_imports_and_a_log():
    """Every rule of the parsed workflow (quick config: every study, every optional part) has a log and
    a conda env, and that env installs every third-party package its job's library files import."""
    envs_used = set()
    for rule in parsed_rules():
        if rule.name == "all":
            continue
        assert rule.log, f"rule {rule.name} has no log"
        env = Path(str(rule.conda_env)).stem
        assert (ROOT / "envs" / f"{env}.yaml").exists(), f"rule {rule.name}: no env {env}"
        envs_used.add(env)
        packages = {_norm(p.split("[")[0]) for p in ENVS[env][1]}
        imported = {_norm(DISTRIBUTION.get(m, m)) for m in _third_party_imports(rule.input["lib"])}
        assert imported <= packages, f"rule {rule.name}: env {env} lacks {sorted(imported - packages)}"
    assert envs_used | {"jax-cuda"} == set(ENVS)


def test_benchmark_only_packages_are_pinned_and_kept_out_of_the_pipeline():
    bench = {}
    for line in (ROOT / "requirements-bench.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and re.fullmatch(r"[0-9][0-9A-Za-z.]*", version), line
            bench[_norm(name)] = version
    assert bench and not set(bench) & set(read_pins())
    for path in sorted((ROOT / "envs").glob("*.yaml")):
        env = yaml.safe_load(path.read_text())
        pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
        assert not {_norm(spec.split("==")[0]) for spec in pip} & set(bench), path.name
