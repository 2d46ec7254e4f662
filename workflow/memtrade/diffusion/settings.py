"""The diffusion laboratory's configuration (``diffusion``): cross-field checks and sweep-point names (no JAX)."""

from __future__ import annotations

from ..config import ConfigError


def point_name(point: dict) -> str:
    """The name of a sweep point, ``d<d>_k<K>_n<N>`` (its jobs' wildcard)."""
    return f"d{point['d']}_k{point['k']}_n{point['n']}"


def check(config: dict, estimator_cache=None) -> None:
    """An ordered time grid, the probe time and the ablation's sweep point inside their lists,
    distinct sweep points, at least one model per pass."""
    df = config["diffusion"]
    times = df["times"]
    if times["t_min"] >= times["t_max"]:
        raise ConfigError(f"config key 'diffusion.times': t_min {times['t_min']} must be below t_max {times['t_max']}")
    probe = df["templates"]["mitigation"]["probe_index"]
    if probe >= times["count"]:
        raise ConfigError(
            f"config key 'diffusion.templates.mitigation.probe_index': {probe} is outside the time grid "
            f"(diffusion.times.count = {times['count']})"
        )
    if df["ablation"]["point"] >= len(df["points"]):
        raise ConfigError(
            f"config key 'diffusion.ablation.point': {df['ablation']['point']} is not an index of "
            f"diffusion.points (length {len(df['points'])})"
        )
    if df["ablation"]["seeds"] > df["seeds"]:
        raise ConfigError(
            f"config key 'diffusion.ablation.seeds': {df['ablation']['seeds']} is more than diffusion.seeds "
            f"({df['seeds']}): the rerun is compared on the configured run's seeds"
        )
    keys = [(p["d"], p["k"], p["n"]) for p in df["points"]]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"config key 'diffusion.points': a sweep point is listed twice: {keys}")
    grids = [(f"diffusion.points[{i}].n", p["n"], df["coarse_step"]) for i, p in enumerate(df["points"])]
    grids.append(("diffusion.templates.n", df["templates"]["n"], df["templates"]["coarse_step"]))
    for key, n, step in grids:
        if int(round(n * step)) < 1:
            raise ConfigError(f"config key '{key}': {n} times the coarse step {step} rounds to no model size")
