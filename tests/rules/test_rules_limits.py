"""Bounds on every number, count, length and depth of a bundle (rules/limits.py), each refused
with its JSON path, and the table in docs/bundle.md that documents them."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from rules_factory import make_bundle

from rules import limits, validate_bundle
from rules.json_text import JSONTextError, loads

DOCS = Path(__file__).resolve().parents[2] / "docs" / "bundle.md"


def found(bundle) -> dict[str, str]:
    """path -> code of every problem."""
    return {p.path: p.code for p in validate_bundle(bundle)}


def nested(depth: int):
    """A list nested `depth` deep, built without recursion."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def with_prize(**fields):
    bundle = make_bundle()
    bundle["prizes"][0].update(fields)
    return bundle


def test_stock_beyond_the_database_is_refused_with_its_path():
    assert found(with_prize(stock=10**19))["prizes[0].stock"] == "schema.range"
    assert found(with_prize(stock=limits.MAX_STOCK + 1))["prizes[0].stock"] == "schema.range"
    assert validate_bundle(with_prize(stock=limits.MAX_STOCK)) == []


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_weight_is_refused(value):
    problems = found(with_prize(weight=value))
    assert problems["prizes[0].weight"] in ("not_finite", "schema.not_finite")


@pytest.mark.parametrize(
    "field, value",
    [
        ("weight", limits.MAX_WEIGHT + 1),
        ("value", limits.MAX_MONEY + 1),
        ("per_person_limit", limits.MAX_STOCK + 1),
        ("daily_release", 10**12),
    ],
)
def test_prize_numbers_have_upper_bounds(field, value):
    assert found(with_prize(**{field: value}))[f"prizes[0].{field}"] == "schema.range"


def test_every_other_number_is_bounded_too():
    bundle = make_bundle()
    bundle["widget"]["config"] = {"spin_seconds": 10**16}
    bundle["prizes"][1]["reward"]["amount"] = limits.MAX_REWARD_INTEGER + 1
    bundle["rules"][0]["actions"][0]["params"]["count"] = 10**12
    bundle["rules"][0]["conditions"]["all"][0]["value"] = -(10**16)
    bundle["limits"] = {"budget": {"amount": limits.MAX_BUDGET + 1}}
    bundle["chances"]["kinds"][0]["initial"] = limits.MAX_CHANCES + 1
    problems = found(bundle)
    assert problems["widget.config.spin_seconds"] == "range"
    assert problems["prizes[1].reward.amount"] == "wrong_type"
    assert problems["rules[0].actions[0].params.count"] == "param_type"
    assert problems["rules[0].conditions.all[0].value"] == "range"
    assert problems["limits.budget.amount"] == "schema.range"
    assert problems["chances.kinds[0].initial"] == "schema.range"


def test_ten_thousand_rules_are_refused_at_rules():
    rule = make_bundle()["rules"][0]
    rules = [{**copy.deepcopy(rule), "id": f"r{i}"} for i in range(10_000)]
    problems = validate_bundle(make_bundle(rules=rules))
    assert [(p.path, p.code) for p in problems] == [("rules", "schema.too_many_items")]


def test_the_largest_allowed_rule_set_is_valid():
    rule = make_bundle()["rules"][0]
    rules = [{**copy.deepcopy(rule), "id": f"r{i}"} for i in range(limits.MAX_RULES)]
    assert validate_bundle(make_bundle(rules=rules)) == []


def test_conditions_are_capped_across_all_rules():
    leaves = [{"name": "shares_today", "operator": "less_than", "value": i} for i in range(100)]
    rule = {
        "trigger": "share",
        "conditions": {"all": leaves},
        "actions": [{"name": "send_message", "params": {"text": "hi"}}],
    }
    count = limits.MAX_CONDITIONS_TOTAL // 100 + 1
    rules = [{**copy.deepcopy(rule), "id": f"r{i}"} for i in range(count)]
    assert found(make_bundle(rules=rules))["rules"] == "too_many_conditions"


def test_deep_nesting_is_a_problem_not_a_recursion_error():
    bundle = make_bundle()
    bundle["widget"]["config"] = {"deep": nested(100_000)}
    problems = validate_bundle(bundle)
    assert [p.code for p in problems] == ["too_deep"]
    assert problems[0].path.startswith("widget.config.deep[0]")
    deep_conditions = {"name": "age", "operator": "less_than", "value": 1}
    for _ in range(100_000):
        deep_conditions = {"all": [deep_conditions]}
    bundle = make_bundle()
    bundle["audience"] = {"conditions": deep_conditions}
    assert [p.code for p in validate_bundle(bundle)] == ["too_deep"]


@pytest.mark.parametrize("bad", ["\x00", "\u202e", "\u2066", "\x1b", "\ud800"])
@pytest.mark.parametrize("where", ["name", "prizes[0].name", "chances.kinds[0].name"])
def test_control_and_bidi_override_characters_are_refused_in_names(bad, where):
    bundle = make_bundle()
    if where == "name":
        bundle["name"] = f"活动{bad}名"
    elif where == "prizes[0].name":
        bundle["prizes"][0]["name"] = f"iPhone{bad}gpj.exe"
    else:
        bundle["chances"]["kinds"][0]["name"] = f"金{bad}"
    assert found(bundle)[where] in ("forbidden_character", "schema.forbidden_character")


def test_descriptions_keep_line_breaks_but_not_overrides():
    assert validate_bundle(make_bundle(description="第一行\n第二行\t说明")) == []
    assert found(make_bundle(description="abc\u202edef"))["description"] == "forbidden_character"
    assert found(make_bundle(name="两\n行"))["name"] == "schema.forbidden_character"


def test_text_and_list_lengths_are_bounded():
    bundle = make_bundle(name="名" * (limits.MAX_NAME_LENGTH + 1))
    bundle["description"] = "x" * (limits.MAX_TEXT_LENGTH + 1)
    bundle["widget"]["config"] = {"items": list(range(limits.MAX_LIST_ITEMS + 1))}
    bundle["chances"]["kinds"][0]["key"] = "k" * (limits.MAX_CHANCE_KIND_LENGTH + 1)
    bundle["branch"] = "B" * (limits.MAX_CODE_LENGTH + 1)
    problems = found(bundle)
    assert problems["name"] == "schema.too_long"
    assert problems["description"] in ("too_long", "schema.too_long")
    assert problems["widget.config.items"] == "too_many_items"
    assert problems["chances.kinds[0].key"] == "schema.format"
    assert problems["branch"] == "schema.too_long"


def test_a_whitelist_names_its_channel():
    bundle = make_bundle(audience={"whitelist": ["u1"]})
    assert found(bundle)["audience.whitelist_channel"] == "whitelist_channel_required"
    bundle["audience"]["whitelist_channel"] = "bank-app"
    assert validate_bundle(bundle) == []


def test_objects_that_are_not_json_are_refused():
    bundle = make_bundle()
    bundle["widget"]["config"] = {"when": object(), 3: "x"}
    codes = {p.code for p in validate_bundle(bundle)}
    assert codes == {"type"}


# ---- the JSON text reader -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['{"weight": NaN}', '{"weight": Infinity}', '{"weight": -Infinity}', '{"w": 1e400}']
)
def test_non_finite_numbers_are_not_json(text):
    with pytest.raises(JSONTextError):
        loads(text)


def test_duplicate_keys_are_refused_with_their_path():
    with pytest.raises(JSONTextError) as caught:
        loads('{"prizes": [{"key": "a", "stock": 10, "stock": 1000000}]}')
    assert caught.value.path == "prizes[0]"
    assert "'stock' appears twice" in caught.value.message


def test_depth_is_limited_with_a_path_and_never_recurses_out():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(JSONTextError):
        loads(deep)
    limit = limits.MAX_JSON_DEPTH
    assert loads('{"a": ' + "[" * (limit - 1) + "]" * (limit - 1) + "}")
    with pytest.raises(JSONTextError) as caught:
        loads('{"a": ' + "[" * limit + "]" * limit + "}")
    assert caught.value.path.startswith("a[0]")


def test_huge_integers_and_bad_bytes_are_json_errors():
    with pytest.raises(JSONTextError):
        loads("1" * 5000)
    with pytest.raises(JSONTextError):
        loads(b"\xff\xfe\xfd")
    with pytest.raises(JSONTextError) as caught:
        loads('{"a": }')
    assert "line 1 column 7" in str(caught.value)


# ---- the documentation ----------------------------------------------------------------------


def test_docs_table_lists_every_limit_with_its_value():
    text = DOCS.read_text("utf-8")
    names = [n for n in dir(limits) if n.startswith("MAX_")]
    assert len(names) >= 30
    for name in names:
        value = f"{getattr(limits, name):,}"
        row = re.search(rf"^\| `{name}` \| ([0-9,]+) \|", text, re.MULTILINE)
        assert row, f"docs/bundle.md has no row for {name}"
        assert row.group(1) == value, f"{name}: docs say {row.group(1)}, code says {value}"


def test_the_json_schema_pattern_for_names_refuses_what_validation_refuses():
    """rules.schema_bounds.ONE_LINE_RE (for the generated JSON Schema) and
    rules.bounds.forbidden_character (what validation runs) are one fact in two forms."""
    from rules.bounds import forbidden_character
    from rules.schema_bounds import ONE_LINE_RE

    one_line = re.compile(ONE_LINE_RE[1:-1])  # ^...$: Python's $ also matches before a "\n"
    points = [*range(0x300), *range(0x2000, 0x2100), 0x61C, 0xD800, 0xDFFF, 0xE000, 0x1F600]
    for point in points:
        char = chr(point)
        refused = forbidden_character(char, allow_layout=False) is not None
        assert (one_line.fullmatch(char) is None) == refused, hex(point)
