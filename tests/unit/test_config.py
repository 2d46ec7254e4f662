"""Bad configurations are rejected before any job runs, with a message naming the key."""

import pytest
from bad_configs import BAD
from conftest import SCHEMA
from memtrade.config import ConfigError, validate
from memtrade.learners import k_fractions


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


def test_k_fraction_grid():
    assert k_fractions({"min": 0.25, "per_octave": 2}) == pytest.approx([1, 2**-0.5, 0.5, 2**-1.5, 0.25])
    assert k_fractions([0.5, 1.0]) == [0.5, 1.0]


def test_estimator_check_is_cached_until_its_module_changes(quick_config, tmp_path, monkeypatch):
    """A passed estimator check is remembered (a no-op rerun does not import scikit-learn); editing the
    estimator's module invalidates it, so a broken estimator is still reported with the key named."""
    import memtrade.estimators

    pkg = tmp_path / "userpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    good = "class Est:\n    def fit(self, x, y): return self\n    def predict(self, x): return x\n"
    (pkg / "models.py").write_text(good + "    def predict_proba(self, x): return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = quick_config
    cfg["blackbox"]["learners"] = {"mine": {"family": "sklearn", "estimator": "userpkg.models.Est", "params": {}}}
    cfg["blackbox"]["skip"] = {}
    cache = tmp_path / "cache" / "estimators.json"
    validate(cfg, SCHEMA, estimator_cache=cache)
    assert cache.exists() and "userpkg.models.Est" in cache.read_text()
    calls = []
    real = memtrade.estimators.check_estimator
    monkeypatch.setattr(memtrade.estimators, "check_estimator", lambda *a, **k: calls.append(a) or real(*a, **k))
    validate(cfg, SCHEMA, estimator_cache=cache)
    assert calls == []  # cached: not imported again
    (pkg / "models.py").write_text(good)  # no predict_proba any more (and a new size)
    import sys

    sys.modules.pop("userpkg.models", None)
    with pytest.raises(ConfigError, match=r"blackbox\.learners\.mine\.estimator.*predict_proba"):
        validate(cfg, SCHEMA, estimator_cache=cache)
    assert len(calls) == 1
