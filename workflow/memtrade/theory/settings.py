"""The FKL theory study's configuration (``seed``, ``problems``, ``learners``, ``analysis``):
cross-field checks and the learners each problem runs."""

from __future__ import annotations

from ..config import ConfigError, check_scale


def learners_for(config: dict, problem: str) -> list[str]:
    """Names of the configured learners whose family supports ``problem``."""
    from ..learners import FAMILIES

    return [name for name, spec in config["learners"].items() if problem in FAMILIES[spec["family"]]]


def problem_params(config: dict, problem: str) -> dict:
    """The parameters of one problem, without its grids (what its SDPI and exact jobs depend on)."""
    return {k: v for k, v in config["problems"][problem].items() if k not in ("d", "n")}


def check(config: dict, estimator_cache=None) -> None:
    """Each learner family supports a configured problem; every problem's scale is a probability where
    it must be; ``analysis.frontier_n`` is on every n grid."""
    from ..learners import FAMILIES
    from ..problems import make_problem

    for name, spec in config["learners"].items():
        supported = FAMILIES[spec["family"]]
        if not any(p in config["problems"] for p in supported):
            raise ConfigError(
                f"config key 'learners.{name}.family': {spec['family']!r} supports problems "
                f"{list(supported)}, none of which is configured"
            )
    for name, section in config["problems"].items():
        for d in section["d"]:
            problem = make_problem(name, d, section)
            check_scale(f"problems.{name}.c", problem, f"at d = {d}; lower c or raise the smallest d")
    frontier_n = config["analysis"]["frontier_n"]
    for name, section in config["problems"].items():
        if frontier_n not in section["n"]:
            raise ConfigError(
                f"config key 'analysis.frontier_n': {frontier_n} is not in the n grid of problem {name!r} "
                f"(problems.{name}.n = {section['n']})"
            )
