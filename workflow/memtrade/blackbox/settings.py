"""The black-box study's configuration (``blackbox``): cross-field checks and the (problem,
learner) pairs it runs."""

from __future__ import annotations

from ..config import ConfigError, check_scale
from ..estimators import check_estimator_cached


def pairs(bb: dict) -> list[tuple[str, str]]:
    """(problem, learner) pairs; ``natural`` (the exact reference) always included. Estimators of
    family ``sklearn`` are attacked through queries in {-1, +1}^d only, so they skip Gaussian data."""
    out = []
    for problem in bb["problems"]:
        for learner in [*bb["learners"], "natural"]:
            query_only = learner != "natural" and bb["learners"][learner]["family"] == "sklearn"
            if learner not in bb["skip"].get(problem, []) and not (query_only and problem == "gaussian"):
                out.append((problem, learner))
    return out


def learners_on(bb: dict, problem: str) -> list[str]:
    """The learners run on ``problem`` (:func:`pairs`), in the table's order."""
    return [learner for p, learner in pairs(bb) if p == problem]


def learner_spec(bb: dict, problem: str, learner: str) -> dict:
    """A learner's config entry; ``natural`` is the problem's structured learner (the exact reference)."""
    return {"family": "natural", "problem": problem} if learner == "natural" else bb["learners"][learner]


def check(config: dict, estimator_cache=None) -> None:
    """Scales are probabilities, user estimators import and pass their check, ``natural`` is
    reserved, skipped learners exist."""
    from ..problems import make_problem

    bb = config["blackbox"]
    for name, section in bb["problems"].items():
        check_scale(f"blackbox.problems.{name}.c", make_problem(name, section["d"], section))
    for name, spec in bb["learners"].items():
        if spec["family"] == "sklearn":  # import it now: a bad path fails before any job runs
            try:
                check_estimator_cached(spec, estimator_cache)
            except ValueError as err:
                raise ConfigError(f"config key 'blackbox.learners.{name}.estimator': {err}") from None
    if "natural" in bb["learners"]:
        raise ConfigError("config key 'blackbox.learners.natural': the name is reserved for the exact reference")
    for name, skipped in bb["skip"].items():
        unknown = sorted(set(skipped) - set(bb["learners"]))
        if unknown:
            raise ConfigError(f"config key 'blackbox.skip.{name}': unknown learners {unknown}")
