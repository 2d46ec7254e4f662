"""Pinned versions live in requirements.txt; the conda env files cannot drift from it."""

import re
import subprocess
import sys

import yaml
from conftest import ROOT

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


def test_every_rule_declares_an_existing_env_and_a_log():
    rule_files = sorted((ROOT / "workflow" / "rules").glob("*.smk"))
    envs_used = set()
    for path in rule_files:
        text = path.read_text()
        rules = re.split(r"^rule ", text, flags=re.M)[1:]
        for body in rules:
            name = body.split(":", 1)[0]
            assert "conda:" in body, f"rule {name} has no conda env"
            assert "log:" in body, f"rule {name} has no log"
            if re.search(r"conda:\s*\n\s*(LAB|DIFFUSION)_ENV\n", body):  # the laboratories' CPU or CUDA env
                envs_used |= {"lab", "lab-cuda"}
                continue
            env = re.search(r'conda:\s*\n\s*"\.\./\.\./envs/([a-z-]+)\.yaml"', body).group(1)
            envs_used.add(env)
    assert envs_used == set(ENVS)
    assert all((ROOT / "envs" / f"{e}.yaml").exists() for e in envs_used)


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
