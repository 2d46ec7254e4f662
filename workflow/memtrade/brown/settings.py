"""The Brown et al. study's configuration (``brown``): cross-field checks, the models of each
protocol, and the seed groups of each model's jobs."""

from __future__ import annotations

from ..config import ConfigError


def protocol_models(protocol: dict, models: dict) -> list[str]:
    """The models trained under one protocol: its ``models``, else every entry of brown.models."""
    return list(protocol.get("models", models))


def seed_groups(model: dict) -> list[list[int]]:
    """The seeds of one model, in groups of ``seeds_per_job`` (one job each)."""
    per, n = model["seeds_per_job"], model["seeds"]
    return [list(range(i, min(i + per, n))) for i in range(0, n, per)]


def model_settings(brown: dict, model: str) -> dict:
    """A model's settings without its cluster resources (they do not change results)."""
    return {k: v for k, v in brown["models"][model].items() if k != "resources"}


def model_resources(brown: dict, model: str, study: dict) -> dict:
    """A training job's cluster resources: the study's, then the model's own ``resources`` entry."""
    return {**study, **brown["models"][model].get("resources", {})}


def check(config: dict, estimator_cache=None) -> None:
    """Protocols name known models; the subcube fixing probability lies in (0, 1)."""
    from .experiment import subcube_rate

    brown = config["brown"]
    for name, protocol in brown["protocols"].items():
        unknown = [m for m in protocol.get("models", []) if m not in brown["models"]]
        if unknown:
            raise ConfigError(
                f"config key 'brown.protocols.{name}.models': {unknown} not in brown.models {list(brown['models'])}"
            )
    r = subcube_rate(brown["n"], brown["d"], brown["a"])
    if not 0 < r < 1:
        raise ConfigError(f"config key 'brown.d': the fixing probability r = {r:.4g} must lie in (0, 1)")
