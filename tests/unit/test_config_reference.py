"""The configuration reference generated from the schema (memtrade.schema_docs)."""

import pytest
from memtrade.docs import MarkerError
from memtrade.schema_docs import render, rows, update

SCHEMA = {
    "$defs": {
        "grid": {
            "description": "a grid",
            "oneOf": [
                {"type": "array", "minItems": 1, "items": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
                {"type": "object", "properties": {"step": {"type": "integer", "minimum": 1, "description": "s"}}},
            ],
        }
    },
    "properties": {
        "seed": {"type": "integer", "minimum": 0, "description": "the seed"},
        "learners": {
            "type": "object",
            "description": "learners by name",
            "propertyNames": {"pattern": "^[a-z]+$"},
            "additionalProperties": {
                "type": "object",
                "required": ["family"],
                "description": "one learner",
                "properties": {"family": {"enum": ["a", "b", "c"], "description": "its algorithm"}},
                "allOf": [
                    {
                        "if": {"properties": {"family": {"const": "a"}}},
                        "then": {"required": ["k"], "properties": {"family": True, "k": {"$ref": "#/$defs/grid"}}},
                    },
                    {
                        "if": {"properties": {"family": {"enum": ["b", "c"]}}},
                        "then": {"required": ["k"], "properties": {"family": True, "k": {"$ref": "#/$defs/grid"},
                                 "x": {"type": "number", "description": "only b and c"}}},
                    },
                ],
            },
        },
        "mode": {"enum": ["cpu", "gpu"], "default": "cpu", "description": "where | it runs"},
        "extra": {"type": "string", "minLength": 1, "description": "left out by default"},
        "points": {
            "type": "array",
            "description": "records",
            "items": {"type": "object", "description": "one", "required": ["d"],
                      "properties": {"d": {"type": "integer", "description": "dim"}}},
        },
    },
    "required": ["seed", "learners", "points"],
}  # fmt: skip
DEFAULTS = {"seed": 7, "learners": {"one": {"family": "a", "k": [0.5]}}, "points": [{"d": 2}]}


def test_rows_give_type_default_allowed_values_and_conditions():
    by_path = {r.path: r for r in rows(SCHEMA, DEFAULTS)}
    assert list(by_path) == [
        "seed",
        "learners",
        "learners.<name>",
        "learners.<name>.family",
        "learners.<name>.k",
        "learners.<name>.k.step",
        "learners.<name>.x",
        "mode",
        "extra",
        "points",
        "points[]",
        "points[].d",
    ]
    seed = by_path["seed"]
    assert (seed.type, seed.default, seed.allowed, seed.description) == ("integer", "`7`", "≥ 0", "the seed")
    assert by_path["learners"].type == "mapping" and by_path["learners"].default == "`{one: {family: a, k: [0.5]}}`"
    assert by_path["learners"].allowed == "names match `^[a-z]+$`"
    k = by_path["learners.<name>.k"]
    assert k.type == "list of number or object" and k.allowed == "each (0, 1]; at least 1 item or object"
    assert k.description == "a grid" and k.conditions == {"family": ["a", "b", "c"]}  # two branches, one row
    assert k.default == ""  # required for family a
    assert by_path["learners.<name>.x"].conditions == {"family": ["b", "c"]}
    assert by_path["learners.<name>.x"].default == "optional"
    assert by_path["learners.<name>.family"].allowed == "`a`, `b`, `c`"
    assert by_path["mode"].default == "`cpu`"  # the schema's default where the config leaves the key out
    assert by_path["extra"].default == "optional" and by_path["extra"].allowed == "non-empty"
    assert by_path["points"].type == "list of object" and by_path["points[].d"].default == ""


def test_render_groups_keys_by_study_and_escapes_table_cells():
    text = render(SCHEMA, DEFAULTS, [("Run", ["seed", "mode", "extra"]), ("Learners", ["learners"])])
    assert "### Run (`seed`, `mode`, `extra`)" in text and "### Learners (`learners`)" in text
    assert text.index("`mode`") < text.index("### Learners")
    assert "| `learners.<name>.x` | number | optional |  | (only for family `b`, `c`) only b and c |" in text
    assert "where \\| it runs" in text  # a | inside a cell would end it
    assert "points" not in text  # a key of no group is not listed


def test_update_fills_the_markers_and_adds_them_where_absent():
    page = "# Title\n\nprose\n\n<!-- memtrade:schema -->\nold\n<!-- /memtrade:schema -->\n\nafter\n"
    assert (
        update(page, "new") == "# Title\n\nprose\n\n<!-- memtrade:schema -->\nnew\n<!-- /memtrade:schema -->\n\nafter\n"
    )
    assert update("# Title\n", "new") == "# Title\n\n<!-- memtrade:schema -->\nnew\n<!-- /memtrade:schema -->\n"
    with pytest.raises(MarkerError):  # another generated section in the page: fill refuses it
        update(page + "<!-- memtrade:other -->\n<!-- /memtrade:other -->\n", "new")
