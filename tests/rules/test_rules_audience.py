"""rules.audience: token attributes that an audience lets in (demo links, simulated people)."""

from __future__ import annotations

import pytest

from rules import compile_bundle
from rules.audience import example_participant, join_variables
from rules.templates import list_templates, load_template

BASE = {"branch": "SH001", "city": "上海", "customer_segment": "new", "tags": ["demo"]}


@pytest.mark.parametrize("name", list_templates())
def test_every_template_audience_lets_its_example_in(name):
    bundle = load_template(name)
    example = example_participant(bundle["audience"], BASE)
    assert example is not None
    compiled = compile_bundle(bundle)
    allowed, _ = compiled.audience_allows(
        join_variables(example.attrs),
        example.participant_id or "someone",
        bundle["audience"].get("whitelist_channel"),
    )
    assert allowed, (name, example)


def test_the_demo_attributes_alone_are_refused_where_the_audience_asks_for_more():
    refused = []
    for name in list_templates():
        bundle = load_template(name)
        compiled = compile_bundle(bundle)
        channel = bundle["audience"].get("whitelist_channel")
        if not compiled.audience_allows(join_variables(BASE), "demo-customer-001", channel)[0]:
            refused.append(name)
    assert sorted(refused) == ["decent_lottery", "qingdao_checkin"]


def test_choices_by_operator():
    audience = {
        "conditions": {
            "all": [
                {
                    "any": [
                        {"name": "city", "operator": "equal_to", "value": "济南"},
                        {"name": "city", "operator": "equal_to", "value": "青岛"},
                    ]
                },
                {"name": "age", "operator": "greater_than", "value": 30},
                {"name": "customer_segment", "operator": "does_not_contain", "value": "new"},
                {"name": "tags", "operator": "contains_all", "value": ["vip", "payroll"]},
                {"name": "card_bound", "operator": "is_true"},
            ]
        },
        "whitelist": ["w-1", "w-2"],
    }
    example = example_participant(audience, BASE)
    assert example.participant_id == "w-1"
    assert example.attrs["city"] == "济南" and example.attrs["age"] == 31
    assert example.attrs["customer_segment"] != "new" and example.attrs["card_bound"] is True
    assert example.attrs["tags"] == ["vip", "payroll"]


def test_an_audience_nobody_can_be_chosen_for_gives_none():
    regex = {"name": "city", "operator": "matches_regex", "value": "^Q.*"}
    assert example_participant({"conditions": {"all": [regex]}}) is None
    clash = [
        {"name": "age", "operator": "less_than", "value": 18},
        {"name": "age", "operator": "greater_than", "value": 60},
    ]
    assert example_participant({"conditions": {"all": clash}}) is None


def test_the_attributes_chosen_are_the_ones_the_runtime_reads_from_tokens():
    from rules.audience import PROFILE_VARIABLES
    from runtime.variables import PROFILE

    assert tuple(PROFILE_VARIABLES) == tuple(PROFILE)
