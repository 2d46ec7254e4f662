"""Configuration: JSON-schema validation with clear messages, and grid expansion."""

from __future__ import annotations

import math
from pathlib import Path

import jsonschema
import yaml

from .learners import FAMILIES
from .problems import make_problem


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key."""


def _key_path(path, error=None) -> str:
    path = list(path)
    if error is not None and error.validator == "required":
        # name the missing key itself, not its parent
        path.append(next(k for k in error.validator_value if k not in error.instance))
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def load_schema(schema_path) -> dict:
    """The JSON schema of the configuration, from its YAML file (libyaml's parser where PyYAML has it:
    the schema is read on every workflow start, a no-op rerun included)."""
    return yaml.load(Path(schema_path).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def validate(config: dict, schema_path, estimator_cache: Path | None = None) -> dict:
    """Validate ``config`` against the schema and the cross-field rules.

    Raises ConfigError whose message starts with the offending key, such as
    ``config key 'problems.gaussian.d[0]': -5 is less than the minimum of 1``.
    ``estimator_cache``: a JSON file remembering the scikit-learn-compatible estimators that passed
    their check (see ``_check_estimator_cached``), so that a no-op rerun does not import them.
    """
    schema = load_schema(schema_path)
    if not isinstance(config, dict):
        raise ConfigError(f"config: expected a mapping of sections, got {type(config).__name__}")
    _check_finite(config, [])
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(config))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        lines = [f"config key '{_key_path(best.absolute_path, best)}': {best.message}"]
        lines += [
            f"  also: config key '{_key_path(e.absolute_path, e)}': {e.message}"
            for e in sorted(errors, key=lambda e: list(map(str, e.absolute_path)))
            if e is not best
        ]
        raise ConfigError("\n".join(lines))
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
    _validate_mixture(config.get("mixture"))
    _validate_blackbox(config.get("blackbox"), estimator_cache)
    brown = config.get("brown")
    if brown is not None:
        from .brown import subcube_rate

        for name, protocol in brown["protocols"].items():
            unknown = [m for m in protocol.get("models", []) if m not in brown["models"]]
            if unknown:
                known = list(brown["models"])
                raise ConfigError(f"config key 'brown.protocols.{name}.models': {unknown} not in brown.models {known}")
        r = subcube_rate(brown["n"], brown["d"], brown["a"])
        if not 0 < r < 1:
            raise ConfigError(f"config key 'brown.d': the fixing probability r = {r:.4g} must lie in (0, 1)")
    _validate_lab(config.get("lab"))
    _validate_memscore(config.get("memscore"), estimator_cache)
    _validate_diffusion(config.get("diffusion"))
    frontier_n = config["analysis"]["frontier_n"]
    for name, section in config["problems"].items():
        if frontier_n not in section["n"]:
            raise ConfigError(
                f"config key 'analysis.frontier_n': {frontier_n} is not in the n grid of problem {name!r} "
                f"(problems.{name}.n = {section['n']})"
            )
    return config


def _validate_memscore(ms, estimator_cache: Path | None = None) -> None:
    """Cross-field rules of the memorization-score stage: learners named by the removal, the image
    grid and the retrieval comparison exist, their estimators import, and the retrieval base takes
    ``sample_weight`` (the kNN-weighted loss) and has ``predict_proba`` (the interpolation)."""
    if ms is None:
        return
    learners = ms["learners"]
    retro_base = ms["retro"]["base"]
    for name, spec in learners.items():
        try:
            _check_estimator_cached(spec, estimator_cache, need_scores=False)
        except ValueError as err:
            raise ConfigError(f"config key 'memscore.learners.{name}.estimator': {err}") from None
    named = [("memscore.removal.learners", x) for x in ms["removal"]["learners"]]
    named += [("memscore.top_grid.learner", ms["top_grid"]["learner"]), ("memscore.retro.base", retro_base)]
    for key, name in named:
        if name not in learners:
            raise ConfigError(f"config key '{key}': {name!r} is not a key of memscore.learners {list(learners)}")
    try:  # the kNN-weighted loss and the interpolation
        _check_estimator_cached(learners[retro_base], estimator_cache, need_scores=False, weighted=True)
    except ValueError as err:
        raise ConfigError(f"config key 'memscore.retro.base': {err}") from None
    if "digits" not in ms["datasets"]:  # the removal experiment and the image grid run on the clean digits
        raise ConfigError(f"config key 'memscore.datasets': needs 'digits' (removal, top_grid), got {ms['datasets']}")
    missing = [d for d in ms["retro"]["datasets"] if d not in ms["datasets"]]
    if missing:
        raise ConfigError(f"config key 'memscore.retro.datasets': {missing} not in memscore.datasets {ms['datasets']}")


def _validate_diffusion(df) -> None:
    """Cross-field rules of the diffusion laboratory: an ordered time grid, the probe time and the
    ablation's sweep point inside their lists, distinct sweep points, at least one model per pass."""
    if df is None:
        return
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
    keys = [(p["d"], p["k"], p["n"]) for p in df["points"]]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"config key 'diffusion.points': a sweep point is listed twice: {keys}")
    grids = [(f"diffusion.points[{i}].n", p["n"], df["coarse_step"]) for i, p in enumerate(df["points"])]
    grids.append(("diffusion.templates.n", df["templates"]["n"], df["templates"]["coarse_step"]))
    for key, n, step in grids:
        if int(round(n * step)) < 1:
            raise ConfigError(f"config key '{key}': {n} times the coarse step {step} rounds to no model size")


def gpt2_params(size: dict, vocab: int, context: int) -> int:
    """The parameter count of a GPT-2 of ``size`` (n_embd, n_layer) with the output embedding tied."""
    d, layers = size["n_embd"], size["n_layer"]
    return vocab * d + context * d + layers * (12 * d * d + 13 * d) + 2 * d


def _validate_distillation(distillation, sizes, lab) -> None:
    for role in ("teacher", "student"):
        if distillation[role] not in sizes:
            raise ConfigError(
                f"config key 'lab.distillation.{role}': {distillation[role]!r} is not a key of lab.sizes {list(sizes)}"
            )
    vocab, context = lab["corpus"]["tokenizer_vocab"], lab["context"]
    teacher = gpt2_params(sizes[distillation["teacher"]], vocab, context)
    student = gpt2_params(sizes[distillation["student"]], vocab, context)
    if student >= teacher:
        raise ConfigError(
            f"config key 'lab.distillation.student': {distillation['student']!r} has {student} parameters, "
            f"not fewer than the teacher {distillation['teacher']!r} with {teacher}"
        )
    if "direct" not in distillation["methods"]:
        raise ConfigError(
            "config key 'lab.distillation.methods': must include direct, the directly fine-tuned student "
            "the distilled ones are compared with"
        )
    if distillation["prompt_tokens"] >= context - 1:
        raise ConfigError(
            f"config key 'lab.distillation.prompt_tokens': {distillation['prompt_tokens']} leaves nothing to "
            f"sample within lab.context = {context}"
        )


def _validate_lab(lab) -> None:
    """Cross-field rules of the language-model laboratory: known size keys, the prompt and the
    continuation inside the context, head counts dividing widths, audited checkpoints present."""
    if lab is None:
        return
    sizes = lab["sizes"]
    if lab["defences"]["size"] not in sizes:
        raise ConfigError(
            f"config key 'lab.defences.size': {lab['defences']['size']!r} is not a key of lab.sizes {list(sizes)}"
        )
    for name, size in sizes.items():
        if size["n_embd"] % size["n_head"]:
            raise ConfigError(
                f"config key 'lab.sizes.{name}.n_head': {size['n_head']} does not divide n_embd = {size['n_embd']}"
            )
    k, m = lab["extraction"]["prefix_tokens"], lab["extraction"]["suffix_tokens"]
    if k + m > lab["context"]:
        raise ConfigError(
            f"config key 'lab.extraction.prefix_tokens': the prefix ({k}) and the continuation ({m}) "
            f"need {k + m} positions, more than the context lab.context = {lab['context']}"
        )
    if max(lab["perturbation"]["tokens"]) >= k:
        raise ConfigError(
            f"config key 'lab.perturbation.tokens': {max(lab['perturbation']['tokens'])} replaced tokens "
            f"leave no prompt token of the prefix of {k} (lab.extraction.prefix_tokens)"
        )
    editing = lab.get("editing")
    if editing is not None:
        if editing["size"] not in sizes:
            raise ConfigError(
                f"config key 'lab.editing.size': {editing['size']!r} is not a key of lab.sizes {list(sizes)}"
            )
        layers = sizes[editing["size"]]["n_layer"]
        if editing["layer"] != "auto" and editing["layer"] >= layers:
            raise ConfigError(
                f"config key 'lab.editing.layer': layer {editing['layer']} is out of range for size "
                f"{editing['size']!r} with {layers} layers (0 to {layers - 1}, or auto)"
            )
    distillation = lab.get("distillation")
    if distillation is not None:
        _validate_distillation(distillation, sizes, lab)
    stim = lab.get("stim")
    if stim is not None:
        if stim["size"] not in sizes:
            raise ConfigError(f"config key 'lab.stim.size': {stim['size']!r} is not a key of lab.sizes {list(sizes)}")
        vocab = lab["corpus"]["tokenizer_vocab"]
        if stim["alternatives"] > vocab:
            raise ConfigError(
                f"config key 'lab.stim.alternatives': {stim['alternatives']} alternative tokens, more than the "
                f"vocabulary of {vocab} tokens (lab.corpus.tokenizer_vocab)"
            )
    if lab["corpus"]["tokenizer_vocab"] <= 257:
        raise ConfigError("config key 'lab.corpus.tokenizer_vocab': must exceed the 256 bytes and <|endoftext|>")
    for name, entry in lab.get("audit", {}).items():
        path = Path(entry["checkpoint"]) / "model.safetensors"
        if not path.is_file():
            raise ConfigError(f"config key 'lab.audit.{name}.checkpoint': {path} does not exist")
        samples = Path(entry["samples"])
        if not samples.is_file():
            raise ConfigError(f"config key 'lab.audit.{name}.samples': {samples} does not exist")


def _check_finite(value, path: list) -> None:
    """Reject NaN and +-inf anywhere (JSON schema's bounds do not: every comparison with NaN is false)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_finite(v, [*path, k])
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_finite(v, [*path, i])
    elif isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"config key '{_key_path(path)}': {value} is not a finite number")


def check_scale(key: str, problem, hint: str = "") -> None:
    """Raise ConfigError naming ``key`` unless the problem's probability scale lies in (0, 1).

    The Boolean bias r and the sparse fixing probability q are probabilities; the Gaussian
    sigma^2 has no upper limit.
    """
    if problem.binary_inputs and not 0 < problem.scale < 1:
        raise ConfigError(
            f"config key '{key}': {problem.scale_name} = {problem.scale:.4g} must lie in (0, 1) {hint}".rstrip()
        )


def _validate_mixture(mix) -> None:
    if mix is None:
        return
    problem = make_problem(mix["problem"], mix["d"], mix)
    check_scale("mixture.c", problem)
    if mix["frontier_n"] not in mix["n"]:
        raise ConfigError(f"config key 'mixture.frontier_n': {mix['frontier_n']} is not in mixture.n = {mix['n']}")
    if 1 not in mix["thresholds"]:
        raise ConfigError("config key 'mixture.thresholds': must contain 1 (the learner that fits every cluster)")
    for name, prior in mix["priors"].items():
        if len(prior["levels"]) != len(prior["weights"]) or abs(sum(prior["weights"]) - 1) > 1e-9:
            raise ConfigError(f"config key 'mixture.priors.{name}.weights': need one weight per level, summing to 1")
        if name.startswith("zipf_"):
            raise ConfigError(f"config key 'mixture.priors.{name}': names starting with zipf_ are reserved")


def _module_files(path: str) -> list[Path] | None:
    """The source files of the modules on an import path ``a.b.Class`` (a/__init__.py, a/b.py), found
    without importing anything; None where one is not a plain source file (then nothing is cached)."""
    import importlib.util

    parts = path.split(".")[:-1]
    spec = importlib.util.find_spec(parts[0]) if parts and parts[0].isidentifier() else None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    files, dirs = [Path(spec.origin)], list(spec.submodule_search_locations or [])
    for part in parts[1:]:
        found = next(
            (p for d in dirs for p in (Path(d) / f"{part}.py", Path(d) / part / "__init__.py") if p.is_file()), None
        )
        if found is None:
            return None
        files.append(found)
        dirs = [str(found.parent)] if found.name == "__init__.py" else []
    return files


def _check_estimator_cached(spec: dict, cache: Path | None, need_scores: bool = True, weighted: bool = False) -> None:
    """check_estimator, skipped when ``cache`` records a pass for the same import path, parameters,
    checks, interpreter and module files (path, size, modification time). Failures are never cached.

    ``weighted``: the class must also take ``fit(..., sample_weight)`` and have ``predict_proba``."""
    import json
    import sys

    files = _module_files(spec["estimator"]) if cache is not None else None
    key = None
    if files is not None:
        stamps = [f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files]
        checks = [need_scores, weighted]
        key = json.dumps([spec["estimator"], spec.get("params", {}), checks, sys.executable, stamps], sort_keys=True)
        try:
            if key in json.loads(cache.read_text()):
                return
        except (OSError, ValueError):
            pass
    from .blackbox.learners import check_estimator

    cls = check_estimator(spec["estimator"], spec.get("params", {}), need_scores)
    if weighted:
        import inspect

        if "sample_weight" not in inspect.signature(cls.fit).parameters or not hasattr(cls, "predict_proba"):
            raise ValueError(
                f"estimator {spec['estimator']!r} must take fit(..., sample_weight) and have predict_proba"
            )
    if key is not None:
        try:
            known = json.loads(cache.read_text())
        except (OSError, ValueError):
            known = []
        from .io import write_text

        write_text(json.dumps(sorted(set(known) | {key}), indent=0), cache)


def _validate_blackbox(bb, estimator_cache: Path | None = None) -> None:
    if bb is None:
        return
    for name, section in bb["problems"].items():
        problem = make_problem(name, section["d"], section)
        check_scale(f"blackbox.problems.{name}.c", problem)
    for name, spec in bb["learners"].items():
        if spec["kind"] == "sklearn":  # import it now: a bad path fails before any job runs
            try:
                _check_estimator_cached(spec, estimator_cache)
            except ValueError as err:
                raise ConfigError(f"config key 'blackbox.learners.{name}.estimator': {err}") from None
    if "natural" in bb["learners"]:
        raise ConfigError("config key 'blackbox.learners.natural': the name is reserved for the exact reference")
    for name, skipped in bb["skip"].items():
        unknown = sorted(set(skipped) - set(bb["learners"]))
        if unknown:
            raise ConfigError(f"config key 'blackbox.skip.{name}': unknown learners {unknown}")


def brown_protocol_models(protocol: dict, models: dict) -> list[str]:
    """The Brown et al. models trained under one protocol: its ``models``, else every entry of brown.models."""
    return list(protocol.get("models", models))


def blackbox_pairs(bb) -> list[tuple[str, str]]:
    """(problem, learner) pairs of the black-box section; ``natural`` (exact reference) always included.

    Estimators of kind ``sklearn`` are attacked through queries in {-1, +1}^d only, so they skip Gaussian data.
    """
    pairs = []
    for problem in bb["problems"]:
        for learner in [*bb["learners"], "natural"]:
            query_only = learner != "natural" and bb["learners"][learner]["kind"] == "sklearn"
            if learner not in bb["skip"].get(problem, []) and not (query_only and problem == "gaussian"):
                pairs.append((problem, learner))
    return pairs


def mixture_priors(mix) -> dict:
    """All frequency priors of the mixture section, by name: zipf_<a> for each exponent, then the others."""
    priors = {f"zipf_{a:g}": {"kind": "zipf", "a": float(a)} for a in mix["zipf_exponents"]}
    priors.update(mix["priors"])
    return priors


def learners_for(config: dict, problem: str) -> list[str]:
    """Names of the configured learners whose family supports ``problem``."""
    return [name for name, spec in config["learners"].items() if problem in FAMILIES[spec["family"]]]
