"""Compiled conditions: every operator per type, and equality with business-rules' run_all."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_factory import make_bundle

from rules import compile_bundle, load_bundle
from rules.conditions import UnknownOperator, compile_leaf
from rules.engine_adapter import reference_run
from rules.values import VariableTypeError


def both(cond: dict[str, Any], variables: dict[str, Any]) -> tuple[bool, bool]:
    """(compiled result, business-rules result) for one condition."""
    rule = {
        "id": "r",
        "conditions": {"all": [cond]},
        "actions": [{"name": "send_message", "params": {"text": "x"}}],
    }
    return bool(compile_leaf(cond)(variables)), bool(reference_run([rule], variables))


CASES = [
    # numeric
    ("age", "equal_to", 30, {"age": 30}, True),
    ("age", "equal_to", 30, {"age": 30.0000001}, True),  # within business-rules' EPSILON
    ("age", "equal_to", 30, {"age": 30.00001}, False),
    ("age", "greater_than", 30, {"age": 31}, True),
    ("age", "greater_than", 30, {"age": 30.0000005}, False),
    ("age", "greater_than_or_equal_to", 30, {"age": 30}, True),
    ("age", "less_than", 1.5, {"age": 1}, True),
    ("age", "less_than", 30, {}, True),  # missing -> 0
    ("age", "less_than_or_equal_to", 30, {"age": 30.0000001}, True),
    ("age", "greater_than", 10**20, {"age": 10**20 + 1}, True),  # beyond the int shortcut
    # string
    ("city", "equal_to", "青岛", {"city": "青岛"}, True),
    ("city", "equal_to_case_insensitive", "Qingdao", {"city": "QINGDAO"}, True),
    ("city", "starts_with", "Qing", {"city": "Qingdao"}, True),
    ("city", "ends_with", "dao", {"city": "Qingdao"}, True),
    ("city", "contains", "ngd", {"city": "Qingdao"}, True),
    ("city", "contains", "x", {}, False),
    ("city", "matches_regex", "^Q.*o$", {"city": "Qingdao"}, True),
    ("city", "matches_regex", "^Q.*o$", {"city": "Jinan"}, False),
    ("city", "non_empty", None, {"city": ""}, False),
    ("city", "non_empty", None, {"city": "a"}, True),
    # boolean
    ("card_bound", "is_true", None, {"card_bound": True}, True),
    ("card_bound", "is_true", None, {}, False),
    ("card_bound", "is_false", None, {"card_bound": False}, True),
    # select
    ("customer_segment", "contains", "new", {"customer_segment": "NEW"}, True),
    ("customer_segment", "contains", "new", {"customer_segment": ["existing"]}, False),
    ("customer_segment", "does_not_contain", "new", {"customer_segment": ["existing"]}, True),
    ("customer_segment", "does_not_contain", "new", {}, True),
    # select_multiple
    ("tags", "contains_all", ["vip", "payroll"], {"tags": ["VIP", "payroll", "x"]}, True),
    ("tags", "contains_all", ["vip", "payroll"], {"tags": ["vip"]}, False),
    ("tags", "is_contained_by", ["vip", "payroll"], {"tags": ["vip"]}, True),
    ("tags", "is_contained_by", ["vip"], {"tags": ["vip", "x"]}, False),
    ("tags", "is_contained_by", ["vip"], {}, True),
    ("tags", "shares_at_least_one_element_with", ["vip", "x"], {"tags": ["x"]}, True),
    ("tags", "shares_exactly_one_element_with", ["vip", "x"], {"tags": ["x"]}, True),
    ("tags", "shares_exactly_one_element_with", ["vip", "x"], {"tags": ["x", "vip"]}, False),
    ("tags", "shares_no_elements_with", ["vip"], {"tags": ["x"]}, True),
    ("tags", "shares_no_elements_with", ["vip"], {"tags": ["Vip"]}, False),
]


@pytest.mark.parametrize("name, op, value, variables, expected", CASES)
def test_every_operator(name, op, value, variables, expected):
    cond = {"name": name, "operator": op, "value": value}
    assert both(cond, variables) == (expected, expected)


def test_every_catalog_operator_is_covered():
    from rules.catalog import OPERATORS, VARIABLES

    covered = {(VARIABLES[n].type, op) for n, op, *_ in CASES}
    assert covered == {(t, op) for t, ops in OPERATORS.items() for op in ops}


@pytest.mark.parametrize(
    "name, op, value, variables",
    [
        ("age", "less_than", 3, {"age": "3"}),
        ("city", "equal_to", "a", {"city": 5}),
        ("card_bound", "is_true", None, {"card_bound": 1}),
        ("tags", "contains_all", ["a"], {"tags": 5}),
    ],
)
def test_wrong_variable_type_raises(name, op, value, variables):
    with pytest.raises(VariableTypeError):
        compile_leaf({"name": name, "operator": op, "value": value})(variables)


def test_regex_sees_the_whole_value_never_a_cut_prefix():
    pred = compile_leaf({"name": "city", "operator": "matches_regex", "value": "a$"})
    assert not pred({"city": "a" * 10_000 + "b"})  # a 1,024-character cut used to say True
    assert pred({"city": "b" * 10_000 + "a"})
    late = compile_leaf({"name": "city", "operator": "matches_regex", "value": "needle"})
    assert late({"city": "x" * 50_000 + "needle"})


def test_regex_documented_differences_from_python_re():
    """RE2 semantics where they differ from business-rules' `re.search` (docs/rules.md)."""

    def matches(pattern: str, value: str) -> bool:
        return compile_leaf({"name": "city", "operator": "matches_regex", "value": pattern})(
            {"city": value}
        )

    assert not matches(r"^\d+$", "１２３")  # full-width digits: re says True
    assert not matches(r"^\w+$", "青岛")  # \w is ASCII: re says True
    assert matches("^(青岛|济南)$", "青岛")  # literal Chinese text matches as in re
    assert not matches("^Qingdao$", "Qingdao\n")  # `$` only at the very end: re says True
    assert matches(r"Qingdao\Z", "Qingdao")  # Python's \Z is translated to RE2's \z
    assert not matches(r"Qingdao\Z", "Qingdao\n")
    assert matches("^a{,3}$", "aa") and not matches("^a{,3}$", "aaaa")  # {,n} is {0,n}
    assert matches("^[a{,]+$", "{,a")  # ... but not inside a class


# ---- equivalence property -------------------------------------------------------------------

NUMS = st.one_of(
    st.integers(-5, 5),
    st.sampled_from([0.5, 1.5, 2.0000001, 1.9999999, -0.25, 3.0, 10**20, 10**20 + 1]),
)
# Constants in rules stay within rules.limits.MAX_NUMBER (10**15); values may be larger.
CONSTANTS = st.one_of(
    NUMS.filter(lambda n: abs(n) <= 10**15), st.sampled_from([10**15, 10**15 - 1, -(10**15)])
)
TEXT = st.text(alphabet="aAbB青", max_size=4)
PATTERNS = st.sampled_from(["^a", "b$", "A+", "a.b", "^(ab|B)", "青"])
SEGMENTS = st.sampled_from(["new", "NEW", "existing", "Dormant", "precision"])
TAGS = st.sampled_from(["vip", "VIP", "payroll", "x", "青"])


def leaf_for(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "numeric":
        return st.builds(
            lambda n, op, v: {"name": n, "operator": op, "value": v},
            st.sampled_from(["age", "points_balance"]),
            st.sampled_from(
                [
                    "equal_to",
                    "greater_than",
                    "greater_than_or_equal_to",
                    "less_than",
                    "less_than_or_equal_to",
                ]
            ),
            CONSTANTS,
        )
    if kind == "string":
        ops = st.sampled_from(
            [
                "equal_to",
                "equal_to_case_insensitive",
                "starts_with",
                "ends_with",
                "contains",
                "non_empty",
            ]
        )
        text_leaf = st.builds(
            lambda n, op, v: {"name": n, "operator": op, "value": v},
            st.sampled_from(["city", "branch"]),
            ops,
            TEXT,
        )
        regex_leaf = st.builds(
            lambda v: {"name": "city", "operator": "matches_regex", "value": v}, PATTERNS
        )
        return st.one_of(text_leaf, regex_leaf)
    if kind == "boolean":
        return st.builds(
            lambda n, op: {"name": n, "operator": op},
            st.sampled_from(["card_bound", "is_new_customer"]),
            st.sampled_from(["is_true", "is_false"]),
        )
    if kind == "select":
        return st.builds(
            lambda op, v: {"name": "customer_segment", "operator": op, "value": v},
            st.sampled_from(["contains", "does_not_contain"]),
            SEGMENTS,
        )
    return st.builds(
        lambda op, v: {"name": "tags", "operator": op, "value": v},
        st.sampled_from(
            [
                "contains_all",
                "is_contained_by",
                "shares_at_least_one_element_with",
                "shares_exactly_one_element_with",
                "shares_no_elements_with",
            ]
        ),
        st.lists(TAGS, max_size=3),
    )


LEAVES = st.sampled_from(["numeric", "string", "boolean", "select", "select_multiple"]).flatmap(
    leaf_for
)
CONDITIONS = st.recursive(
    LEAVES,
    lambda inner: st.builds(
        lambda g, items: {g: items},
        st.sampled_from(["all", "any"]),
        st.lists(inner, min_size=1, max_size=4),
    ),
    max_leaves=8,
)

VARIABLES = st.fixed_dictionaries(
    {},
    optional={
        "age": NUMS,
        "points_balance": NUMS,
        "city": st.one_of(TEXT, st.sampled_from(["aab", "Ab"])),
        "branch": TEXT,
        "card_bound": st.booleans(),
        "is_new_customer": st.booleans(),
        "customer_segment": st.one_of(SEGMENTS, st.lists(SEGMENTS, max_size=3)),
        "tags": st.lists(TAGS, max_size=4),
    },
)

VARIABLE_SETS_PER_EXAMPLE = 25
EXAMPLES = 420  # 420 rule sets x 25 variable sets = 10,500 compared cases


@st.composite
def rule_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 6))
    return [
        {
            "id": f"r{i}",
            "trigger": "share",
            "conditions": draw(CONDITIONS),
            "actions": [
                {"name": "send_message", "params": {"text": f"rule {i}"}},
                {"name": "grant_chances", "params": {"kind": "gold", "count": i + 1}},
            ],
        }
        for i in range(n)
    ]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule_sets(),
    st.lists(VARIABLES, min_size=VARIABLE_SETS_PER_EXAMPLE, max_size=VARIABLE_SETS_PER_EXAMPLE),
)
def test_compiled_equals_business_rules(rule_list, variable_sets):
    bundle = make_bundle(rules=rule_list)
    loaded = load_bundle(bundle)
    campaign = compile_bundle(bundle)
    for variables in variable_sets:
        outcome = campaign.run("share", variables)
        per_rule = [(r["id"], reference_run([r], variables)) for r in loaded["rules"]]
        assert outcome.actions == [a for _, fired in per_rule for a in fired]
        assert outcome.fired == [rid for rid, fired in per_rule if fired]


@pytest.mark.parametrize(
    "name, operator",
    [
        ("city", "is_palindrome"),
        ("card_bound", "is_maybe"),
        ("age", "between"),
        ("customer_segment", "contains_all"),
        ("tags", "contains"),
        ("city", "is_true"),
    ],
)
def test_unknown_operators_raise_instead_of_meaning_another(name, operator):
    # Before: a string leaf with an unknown operator compiled to non_empty, a boolean one to
    # is_false, a select_multiple one to shares_exactly_one_element_with.
    with pytest.raises(UnknownOperator):
        compile_leaf({"name": name, "operator": operator, "value": "x"})
