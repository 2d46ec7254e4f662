"""Bad configurations are rejected before any job runs, with a message naming the key."""

import pytest
from conftest import SCHEMA, snakemake, write_config
from memtrade.config import ConfigError, validate
from memtrade.learners import k_fractions

BAD = {
    "negative d": (lambda c: c["problems"]["gaussian"]["d"].__setitem__(0, -5), "problems.gaussian.d[0]"),
    "unknown learner": (lambda c: c["learners"].__setitem__("ridge", {"family": "ridgeline"}), "learners.ridge.family"),
    "n = 0": (lambda c: c["problems"]["gaussian"]["n"].__setitem__(0, 0), "problems.gaussian.n[0]"),
    "missing section": (lambda c: c.pop("learners"), "'learners'"),
    "string for a number": (lambda c: c["problems"]["gaussian"].__setitem__("c", "large"), "problems.gaussian.c"),
    "frontier n off the grid": (lambda c: c["analysis"].__setitem__("frontier_n", 3), "analysis.frontier_n"),
    "bits not an integer": (
        lambda c: c["learners"]["store_all"].__setitem__("bits", [1.5]),
        "learners.store_all.bits[0]",
    ),
    "Boolean bias r >= 1": (lambda c: c["problems"]["boolean"].__setitem__("c", 10.0), "problems.boolean.c"),
    "target error above 1/2": (lambda c: c["analysis"].__setitem__("target_error", 0.6), "analysis.target_error"),
    "d beyond what exact evaluation handles": (
        lambda c: c["problems"]["boolean"]["d"].__setitem__(0, 10**11),
        "problems.boolean.d[0]",
    ),
    "sklearn estimator that does not import": (
        lambda c: c["blackbox"]["learners"].__setitem__("x", {"kind": "sklearn", "estimator": "sklearn.nothere.Tree"}),
        "blackbox.learners.x.estimator",
    ),
    "sklearn estimator without fit/predict": (
        lambda c: c["blackbox"]["learners"].__setitem__(
            "x", {"kind": "sklearn", "estimator": "collections.OrderedDict"}
        ),
        "blackbox.learners.x.estimator",
    ),
    "NaN in a float key": (lambda c: c["problems"]["gaussian"].__setitem__("c", float("nan")), "problems.gaussian.c"),
    "inf in an integer key": (lambda c: c["blackbox"].__setitem__("seeds", float("inf")), "blackbox.seeds"),
    "-inf in a list": (
        lambda c: c["mixture"]["zipf_exponents"].__setitem__(0, float("-inf")),
        "mixture.zipf_exponents[0]",
    ),
    "Brown attack unknown": (
        lambda c: c["brown"]["models"]["mlp"].__setitem__("attack", "gradient"),
        "brown.models.mlp.attack",
    ),
    "Brown sign attack without repeats": (
        lambda c: c["brown"]["models"]["logistic"].pop("repeats"),
        "brown.models.logistic.repeats",
    ),
    "Brown protocol trains an unknown model": (
        lambda c: c["brown"]["protocols"]["faithful"].__setitem__("models", ["logistic", "resnet"]),
        "brown.protocols.faithful.models",
    ),
    "Brown labels neither subpopulation nor a count": (
        lambda c: c["brown"]["protocols"]["faithful"].__setitem__("labels", "classes"),
        "brown.protocols.faithful.labels",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_library_validation_names_the_key(case, quick_config):
    mutate, key = BAD[case]
    mutate(quick_config)
    with pytest.raises(ConfigError, match=r"config key '?.*" + key.replace("[", r"\[").replace("]", r"\]")):
        validate(quick_config, SCHEMA)


def test_quick_and_default_configs_are_valid(quick_config):
    import yaml
    from conftest import ROOT

    validate(quick_config, SCHEMA)
    validate(yaml.safe_load((ROOT / "config.yaml").read_text()), SCHEMA)


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


def test_k_fraction_grid():
    assert k_fractions({"min": 0.25, "per_octave": 2}) == pytest.approx([1, 2**-0.5, 0.5, 2**-1.5, 0.25])
    assert k_fractions([0.5, 1.0]) == [0.5, 1.0]


def test_brown_paper_scale_overlay_runs_20_mlp_seeds_with_cluster_resources(tmp_path):
    """config/brown_paper_scale.yaml on top of config.yaml: one SLURM job per MLP seed, with its resources."""
    import re

    from conftest import ROOT

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


def test_estimator_check_is_cached_until_its_module_changes(quick_config, tmp_path, monkeypatch):
    """A passed estimator check is remembered (a no-op rerun does not import scikit-learn); editing the
    estimator's module invalidates it, so a broken estimator is still reported with the key named."""
    import memtrade.blackbox

    pkg = tmp_path / "userpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    good = "class Est:\n    def fit(self, x, y): return self\n    def predict(self, x): return x\n"
    (pkg / "models.py").write_text(good + "    def predict_proba(self, x): return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = quick_config
    cfg["blackbox"]["learners"] = {"mine": {"kind": "sklearn", "estimator": "userpkg.models.Est", "params": {}}}
    cfg["blackbox"]["skip"] = {}
    cache = tmp_path / "cache" / "estimators.json"
    validate(cfg, SCHEMA, estimator_cache=cache)
    assert cache.exists() and "userpkg.models.Est" in cache.read_text()
    calls = []
    real = memtrade.blackbox.check_estimator
    monkeypatch.setattr(memtrade.blackbox, "check_estimator", lambda *a, **k: calls.append(a) or real(*a, **k))
    validate(cfg, SCHEMA, estimator_cache=cache)
    assert calls == []  # cached: not imported again
    (pkg / "models.py").write_text(good)  # no predict_proba any more (and a new size)
    import sys

    sys.modules.pop("userpkg.models", None)
    with pytest.raises(ConfigError, match=r"blackbox\.learners\.mine\.estimator.*predict_proba"):
        validate(cfg, SCHEMA, estimator_cache=cache)
    assert len(calls) == 1
