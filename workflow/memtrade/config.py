"""Configuration: JSON-schema validation with clear messages, composed from the studies' schema fragments.

The schema is ``workflow/schemas/config.schema.yaml`` (the keys every run has) merged with each
study's fragment (``workflow/schemas/<study>.schema.yaml``: its ``properties``, ``$defs`` and
``required`` keys). After the schema, each study the config runs checks its cross-field rules
(``Study.check``). Every message names the offending key.
"""

from __future__ import annotations

import math
from pathlib import Path

import jsonschema
import yaml


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


def _read(path) -> dict:
    """A YAML file, with libyaml's parser where PyYAML has it (the schema is read on every workflow
    start, a no-op rerun included)."""
    return yaml.load(Path(path).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_schema(schema_path) -> dict:
    """The JSON schema of the configuration: ``schema_path`` merged with every study's fragment."""
    from .study import studies

    schema = _read(schema_path)
    for study in studies():
        fragment = _read(study.schema)
        clash = (set(fragment.get("properties", {})) & set(schema["properties"])) | (
            set(fragment.get("$defs", {})) & set(schema.get("$defs", {}))
        )
        if clash:
            raise ValueError(f"{study.schema.name}: keys {sorted(clash)} are defined twice")
        schema.setdefault("$defs", {}).update(fragment.get("$defs", {}))
        schema["properties"].update(fragment.get("properties", {}))
        schema["required"] = [*schema.get("required", []), *fragment.get("required", [])]
    return schema


def validate(config: dict, schema_path, estimator_cache: Path | None = None) -> dict:
    """Validate ``config`` against the schema, then each study's cross-field rules.

    Raises ConfigError whose message starts with the offending key, such as
    ``config key 'problems.gaussian.d[0]': -5 is less than the minimum of 1``.
    ``estimator_cache``: a JSON file remembering the scikit-learn-compatible estimators that passed
    their check (see :func:`check_estimator_cached`), so that a no-op rerun does not import them.
    """
    from .study import enabled

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
    for study in enabled(config):
        if study.check is not None:
            study.check(config, estimator_cache)
    return config


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
