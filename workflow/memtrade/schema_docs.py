"""The configuration reference, generated from the config schema (:func:`memtrade.config.load_schema`).

Every key of the schema carries a ``description``. :func:`undocumented` lists the key paths that
lack one (tests/policy/test_schema_docs.py fails on any); :func:`rows` flattens the schema into one
row per key (path, type, default, allowed values, description); :func:`render` draws a Markdown
table per top-level section, grouped by study; :func:`generate` is docs/configuration.md with that
reference between its ``<!-- memtrade:schema -->`` markers (``python tools/gen_config_docs.py``).

Key paths: ``a.b`` a property, ``a.<name>`` an entry of a mapping with names of your choice,
``a[]`` an element of a list. Defaults are config.yaml's values (the default run), or a key's
schema ``default`` where config.yaml leaves it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: the marker name of the generated section in docs/configuration.md
MARK = "schema"
_MISSING = object()
_WIDTH = 60  # longest default shown whole


def _resolve(root: dict, ref: str) -> dict:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, got {ref!r}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(node, root: dict):
    """``node`` with its ``$ref`` target merged in (the node's own keywords, its description among them, win)."""
    while isinstance(node, dict) and "$ref" in node:
        node = {**_resolve(root, node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _is_object(node: dict) -> bool:
    return node.get("type") == "object" or "properties" in node


def _condition(schema_if: dict) -> tuple:
    """The ``if`` of an ``allOf`` branch as ((key, (value, ...)), ...): the values of keys it tests."""
    return tuple(
        (key, tuple([test["const"]] if "const" in test else test.get("enum", [])))
        for key, test in schema_if.get("properties", {}).items()
    )


def _children(node: dict):
    """(path suffix, child schema, whether it is a key that needs a description, condition) of a node.

    Keys: ``properties``, ``patternProperties`` and an ``additionalProperties`` schema (an entry of a
    mapping), and an ``items`` schema that is an object (an element of a list of records). The
    branches of ``allOf``/``anyOf``/``oneOf`` and ``then``/``else`` add keys at the same path; a
    ``then`` carries the condition of its ``if``.
    """
    for key, child in node.get("properties", {}).items():
        yield f".{key}", child, True, ()
    for child in node.get("patternProperties", {}).values():
        yield ".<name>", child, True, ()
    if isinstance(node.get("additionalProperties"), dict):
        yield ".<name>", node["additionalProperties"], True, ()
    if isinstance(node.get("items"), dict):
        yield "[]", node["items"], _is_object(node["items"]), ()
    for key in ("allOf", "anyOf", "oneOf"):
        for child in node.get(key, []):
            yield "", child, False, ()
    if isinstance(node.get("then"), dict):
        yield "", node["then"], False, _condition(node.get("if", {}))
    if isinstance(node.get("else"), dict):
        yield "", node["else"], False, ()


def _description(node, root: dict) -> str:
    text = _deref(node, root).get("description", "") if isinstance(node, dict) else ""
    return " ".join(str(text).split())


def undocumented(schema: dict) -> list[str]:
    """Every key path of ``schema`` (its ``$defs`` or ``definitions`` included) without a non-empty description.

    A ``$ref`` key counts as described by its own description or its target's; the target's keys are
    checked once, under ``$defs.<name>``.
    """
    missing = []

    def visit(node, path: str, needs: bool) -> None:
        if not isinstance(node, dict):
            return
        if needs and not _description(node, schema):
            missing.append(path.lstrip("."))
        if "$ref" in node:
            return
        for suffix, child, child_needs, _ in _children(node):
            visit(child, path + suffix, child_needs)

    for defs in ("$defs", "definitions"):
        for name, definition in schema.get(defs, {}).items():
            visit(definition, f"{defs}.{name}", True)
    visit(schema, "", False)
    return missing


# --------------------------------------------------------------------------------------------
# one row per key


def _number(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6 else str(value)


def _code(value) -> str:
    """A value as YAML flow text (what one would write in config.yaml)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return value if re.fullmatch(r"[A-Za-z0-9_.:/+-]+", value) else '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_code(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_code(v)}" for k, v in value.items()) + "}"
    return str(value)


def _type(node: dict, root: dict) -> str:
    node = _deref(node, root)
    if node is True or node == {}:
        return "any"
    branches = node.get("oneOf") or node.get("anyOf")
    if branches:
        return " or ".join(dict.fromkeys(_type(b, root) for b in branches))
    values = [node["const"]] if "const" in node else node.get("enum")
    if values is not None and "type" not in node:
        kinds = {"null" if v is None else type(v).__name__ for v in values}
        names = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "null": "null"}
        return " or ".join(sorted(names.get(k, k) for k in kinds))
    kind = node.get("type", "any")
    if kind == "array":
        return "list of " + (_type(node["items"], root) if isinstance(node.get("items"), dict) else "any")
    if kind == "object" and "properties" not in node:
        return "mapping"
    return " or ".join(kind) if isinstance(kind, list) else kind


def _range(node: dict) -> str:
    lo = ("[", node["minimum"]) if "minimum" in node else ("(", node.get("exclusiveMinimum", _MISSING))
    hi = ("]", node["maximum"]) if "maximum" in node else (")", node.get("exclusiveMaximum", _MISSING))
    if lo[1] is _MISSING and hi[1] is _MISSING:
        return ""
    if lo[1] is _MISSING:
        return f"{'≤' if hi[0] == ']' else '<'} {_number(hi[1])}"
    if hi[1] is _MISSING:
        return f"{'≥' if lo[0] == '[' else '>'} {_number(lo[1])}"
    return f"{lo[0]}{_number(lo[1])}, {_number(hi[1])}{hi[0]}"


def _allowed(node: dict, root: dict) -> str:
    node = _deref(node, root)
    if not isinstance(node, dict):
        return ""
    branches = node.get("oneOf") or node.get("anyOf")
    if branches:
        return " or ".join(_allowed(b, root) or _type(b, root) for b in branches)
    if "const" in node:
        return f"`{_code(node['const'])}`"
    if "enum" in node:
        return ", ".join(f"`{_code(v)}`" for v in node["enum"])
    parts = [_range(node)]
    if node.get("minLength"):
        parts.append("non-empty")
    if "pattern" in node:
        parts.append(f"matches `{node['pattern']}`")
    if isinstance(node.get("items"), dict) and not _is_object(node["items"]):
        each = _allowed(node["items"], root)
        parts.append(f"each {each}" if each else "")
    if node.get("minItems"):
        parts.append(f"at least {node['minItems']} item{'s' * (node['minItems'] > 1)}")
    if node.get("uniqueItems"):
        parts.append("distinct")
    if "pattern" in node.get("propertyNames", {}):
        parts.append(f"names match `{node['propertyNames']['pattern']}`")
    if node.get("minProperties"):
        parts.append(f"at least {node['minProperties']} entr{'ies' if node['minProperties'] > 1 else 'y'}")
    return "; ".join(p for p in parts if p)


def _lookup(values, path: str):
    """The value at a concrete key path of ``values``; _MISSING where absent or the path has a wildcard."""
    if "<" in path or "[]" in path:
        return _MISSING
    for part in path.split("."):
        if not isinstance(values, dict) or part not in values:
            return _MISSING
        values = values[part]
    return values


def _default(node: dict, path: str, defaults: dict, required: bool) -> str:
    value = _lookup(defaults, path)
    if value is _MISSING:
        value = node.get("default", _MISSING)
    if value is _MISSING:
        return "" if required else "optional"
    if isinstance(value, dict):
        if "properties" in node:  # a fixed record: its keys have their own rows
            return ""
        text = _code(value)
        if len(text) > _WIDTH:
            return ", ".join(f"`{k}`" for k in value)
        return f"`{text}`"
    text = _code(value)
    return f"`{text[: _WIDTH - 1]}…`" if len(text) > _WIDTH else f"`{text}`"


@dataclass
class Row:
    """One key of the reference: path, type, default, allowed values, description, and the
    conditions under which it exists (a key's values, such as family -> [logistic])."""

    path: str
    type: str
    default: str
    allowed: str
    description: str
    conditions: dict[str, list] = field(default_factory=dict)


def rows(schema: dict, defaults: dict | None = None) -> list[Row]:
    """One :class:`Row` per key of ``schema``, ``$ref``s expanded, in schema order.

    A key that several ``allOf`` branches define alike is one row listing every branch's condition.
    """
    defaults = defaults or {}
    out: dict[tuple, Row] = {}

    def visit(node, path: str, needs: bool, required: bool, conds: tuple) -> None:
        if not isinstance(node, dict):
            return
        node = _deref(node, schema)
        if needs:
            path_ = path.lstrip(".")
            row = Row(
                path_,
                _type(node, schema),
                _default(node, path_, defaults, required),
                _allowed(node, schema),
                _description(node, schema),
            )
            key = (row.path, row.type, row.default, row.allowed, row.description)
            merged = out.setdefault(key, row).conditions
            for name, values in conds:
                merged.setdefault(name, []).extend(v for v in values if v not in merged[name])
        required_here = set(node.get("required", []))
        for suffix, child, child_needs, cond in _children(node):
            name = suffix[1:] if suffix.startswith(".") and not suffix.startswith(".<") else None
            visit(
                child,
                path + suffix,
                child_needs,
                name in required_here if name else True,
                conds + cond,
            )

    visit(schema, "", False, True, ())
    return list(out.values())


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(section_rows: list[Row]) -> str:
    """A Markdown table of rows."""
    lines = ["| key | type | default | allowed | description |", "|---|---|---|---|---|"]
    for r in section_rows:
        text = r.description
        if r.conditions:
            when = "; ".join(f"{k} " + ", ".join(f"`{_code(v)}`" for v in vs) for k, vs in r.conditions.items())
            text = f"(only for {when}) {text}"
        lines.append(
            f"| `{_cell(r.path)}` | {_cell(r.type)} | {_cell(r.default)} | {_cell(r.allowed)} | {_cell(text)} |"
        )
    return "\n".join(lines) + "\n"


def render(schema: dict, defaults: dict, groups: list[tuple[str, list[str]]]) -> str:
    """Per group (a title and its top-level keys), a heading and the table of its keys' rows."""
    every = rows(schema, defaults)
    parts = []
    for title, keys in groups:
        mine = [r for r in every if re.split(r"[.\[]", r.path, maxsplit=1)[0] in keys]
        if mine:
            names = ", ".join(f"`{k}`" for k in keys)
            parts.append(f"### {title} ({names})\n\n{table(mine)}")
    return "\n".join(parts)


def groups(schema: dict, studies) -> list[tuple[str, list[str]]]:
    """The top-level keys by study (``Study.title``, ``Study.keys``); the keys no study defines first."""
    claimed = [k for s in studies for k in s.keys]
    own = [k for k in schema.get("properties", {}) if k not in claimed]
    return [("Every run", own)] + [(s.title, list(s.keys)) for s in studies]


def update(text: str, fragment: str) -> str:
    """``text`` with the generated reference between its markers (appended with them where absent)."""
    from .docs import fill, markers

    if MARK not in markers(text):
        text = text.rstrip("\n") + f"\n\n<!-- memtrade:{MARK} -->\n<!-- /memtrade:{MARK} -->\n"
    return fill(text, {MARK: fragment})


def generate(root) -> str:
    """docs/configuration.md of the repository at ``root`` with its reference regenerated."""
    from .config import _read, load_schema
    from .study import studies

    root = Path(root)
    schema = load_schema(root / "workflow" / "schemas" / "config.schema.yaml")
    defaults = _read(root / "config.yaml")
    fragment = render(schema, defaults, groups(schema, studies()))
    return update((root / "docs" / "configuration.md").read_text(), fragment)
