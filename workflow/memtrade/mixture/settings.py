"""The mixture study's configuration (``mixture``): cross-field checks and its frequency priors."""

from __future__ import annotations

from ..config import ConfigError, check_scale


def priors(mix: dict) -> dict:
    """All frequency priors of the mixture section, by name: zipf_<a> for each exponent, then the others."""
    out = {f"zipf_{a:g}": {"family": "zipf", "a": float(a)} for a in mix["zipf_exponents"]}
    out.update(mix["priors"])
    return out


def check(config: dict, estimator_cache=None) -> None:
    """The scale is a probability, the frontier n is on the grid, threshold 1 is present, every
    prior's weights sum to 1 and no name uses the reserved zipf_ prefix."""
    from ..problems import make_problem

    mix = config["mixture"]
    check_scale("mixture.c", make_problem(mix["problem"], mix["d"], mix))
    if mix["frontier_n"] not in mix["n"]:
        raise ConfigError(f"config key 'mixture.frontier_n': {mix['frontier_n']} is not in mixture.n = {mix['n']}")
    if 1 not in mix["thresholds"]:
        raise ConfigError("config key 'mixture.thresholds': must contain 1 (the learner that fits every cluster)")
    for name, prior in mix["priors"].items():
        if len(prior["levels"]) != len(prior["weights"]) or abs(sum(prior["weights"]) - 1) > 1e-9:
            raise ConfigError(f"config key 'mixture.priors.{name}.weights': need one weight per level, summing to 1")
        if name.startswith("zipf_"):
            raise ConfigError(f"config key 'mixture.priors.{name}': names starting with zipf_ are reserved")
