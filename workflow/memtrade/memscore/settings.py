"""The memorization-score study's configuration (``memscore``): cross-field checks and learner specs."""

from __future__ import annotations

from ..config import ConfigError
from ..estimators import check_estimator_cached


def learner(ms: dict, name: str) -> dict:
    """The config entry of a memscore learner, as the estimator factory takes it."""
    spec = ms["learners"][name]
    return {"estimator": spec["estimator"], "params": spec.get("params", {})}


def check(config: dict, estimator_cache=None) -> None:
    """Learners named by the removal, the image grid and the retrieval comparison exist, their
    estimators import, the retrieval base takes ``sample_weight`` (the kNN-weighted loss) and has
    ``predict_proba`` (the interpolation), and the datasets they need are configured; the RetroPrompt
    sweep runs on retrieval datasets with at most the comparison's subsets."""
    ms = config["memscore"]
    learners = ms["learners"]
    retro_base = ms["retro"]["base"]
    for name, spec in learners.items():
        try:
            check_estimator_cached(spec, estimator_cache, need_scores=False)
        except ValueError as err:
            raise ConfigError(f"config key 'memscore.learners.{name}.estimator': {err}") from None
    named = [("memscore.removal.learners", x) for x in ms["removal"]["learners"]]
    named += [("memscore.top_grid.learner", ms["top_grid"]["learner"]), ("memscore.retro.base", retro_base)]
    for key, name in named:
        if name not in learners:
            raise ConfigError(f"config key '{key}': {name!r} is not a key of memscore.learners {list(learners)}")
    try:  # the kNN-weighted loss and the interpolation
        check_estimator_cached(learners[retro_base], estimator_cache, need_scores=False, weighted=True)
    except ValueError as err:
        raise ConfigError(f"config key 'memscore.retro.base': {err}") from None
    if "digits" not in ms["datasets"]:  # the removal experiment and the image grid run on the clean digits
        raise ConfigError(f"config key 'memscore.datasets': needs 'digits' (removal, top_grid), got {ms['datasets']}")
    missing = [d for d in ms["retro"]["datasets"] if d not in ms["datasets"]]
    if missing:
        raise ConfigError(f"config key 'memscore.retro.datasets': {missing} not in memscore.datasets {ms['datasets']}")
    sweep = ms["retro"]["sweep"]
    missing = [d for d in sweep["datasets"] if d not in ms["retro"]["datasets"]]
    if missing:
        raise ConfigError(
            f"config key 'memscore.retro.sweep.datasets': {missing} not in memscore.retro.datasets "
            f"{ms['retro']['datasets']}"
        )
    if sweep["models"] > ms["retro"]["models"]:
        raise ConfigError(
            f"config key 'memscore.retro.sweep.models': {sweep['models']} exceeds memscore.retro.models "
            f"{ms['retro']['models']} (the sweep reuses the comparison's first subsets)"
        )
