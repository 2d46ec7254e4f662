"""Every key of the config schema (the base schema merged with every study's fragment) is described."""

from conftest import SCHEMA
from memtrade.config import load_schema
from memtrade.schema_docs import undocumented

#: the JSON-schema keywords the schema files use; anything else is a typo or a broken YAML scalar
KEYWORDS = {
    "$schema", "$defs", "$ref", "title", "description", "default", "type", "enum", "const",
    "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
    "minProperties", "items", "minItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "pattern", "oneOf", "anyOf", "allOf", "if", "then", "else",
}  # fmt: skip


def test_every_schema_key_has_a_description():
    missing = undocumented(load_schema(SCHEMA))
    assert not missing, "schema keys without a description:\n" + "\n".join(missing)


def test_undocumented_lists_every_kind_of_key_without_a_description():
    """Properties, mapping entries, list records, $defs, conditional and alternative branches, $refs."""
    schema = {
        "$defs": {"thing": {"type": "object", "properties": {"a": {"type": "integer"}}}},
        "properties": {
            "ok": {"type": "integer", "description": "described"},
            "blank": {"type": "integer", "description": "  "},
            "bare": {"type": "integer"},
            "ref_described_here": {"$ref": "#/$defs/thing", "description": "described at the site"},
            "ref": {"$ref": "#/$defs/thing"},
            "section": {
                "type": "object",
                "description": "described",
                "properties": {
                    "entries": {"type": "object", "description": "d", "additionalProperties": {"type": "object"}},
                    "rows": {"type": "array", "description": "d", "items": {"type": "object", "properties": {}}},
                    "numbers": {"type": "array", "description": "d", "items": {"type": "integer"}},
                    "either": {"description": "d", "oneOf": [{"type": "null"}, {"properties": {"x": {}}}]},
                },
                "allOf": [{"if": {"properties": {"f": {"const": "a"}}}, "then": {"properties": {"p": {}, "f": True}}}],
            },
        },
    }
    assert undocumented(schema) == [
        "$defs.thing",
        "$defs.thing.a",
        "blank",
        "bare",
        "ref",
        "section.entries.<name>",
        "section.rows[]",
        "section.either.x",
        "section.p",
    ]
    # described through its target: a $ref key whose $def has a description
    schema["$defs"]["thing"]["description"] = "a thing"
    assert "ref" not in undocumented(schema)


def test_schema_nodes_use_only_known_keywords():
    """A key outside the JSON-schema keywords we use is a typo, or a flow scalar that YAML split at a comma."""
    bad = []

    def visit(node, path):
        if isinstance(node, list):
            for i, child in enumerate(node):
                visit(child, f"{path}[{i}]")
        if not isinstance(node, dict):
            return
        for key, child in node.items():
            if key not in KEYWORDS:
                bad.append(f"{path}.{key}")
            if key in ("properties", "$defs", "patternProperties"):
                for name, sub in child.items():
                    visit(sub, f"{path}.{name}")
            elif key not in ("enum", "const", "required", "default", "description"):
                visit(child, path)

    visit(load_schema(SCHEMA), "")
    assert not bad, bad


def test_configuration_reference_is_up_to_date():
    """docs/configuration.md's reference is what tools/gen_config_docs.py generates from the schema and config.yaml."""
    import subprocess
    import sys

    from conftest import ROOT

    proc = subprocess.run(
        [sys.executable, "tools/gen_config_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
