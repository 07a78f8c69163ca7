"""CompiledCampaign: rule order, shared snapshot, trace, audience, deny."""

from __future__ import annotations

import json

import pytest
from rules_factory import make_bundle

from rules import BundleError, compile_bundle


def rule(rid, trigger, conditions, *actions):
    return {"id": rid, "trigger": trigger, "conditions": conditions, "actions": list(actions)}


GRANT = {"name": "grant_chances", "params": {"kind": "silver", "count": 1}}
MSG = {"name": "send_message", "params": {"text": "hi"}}
LT3 = {"all": [{"name": "shares_today", "operator": "less_than", "value": 3}]}


def test_actions_in_rule_order_and_only_for_trigger():
    c = compile_bundle(
        make_bundle(
            rules=[
                rule("a", "share", LT3, GRANT),
                rule("b", "draw", None, MSG),
                rule("c", "share", None, MSG, GRANT),
            ]
        )
    )
    out = c.run("share", {"shares_today": 1})
    assert out.fired == ["a", "c"]
    assert [n for n, _ in out.actions] == ["grant_chances", "send_message", "grant_chances"]
    assert c.run("share", {"shares_today": 3}).fired == ["c"]
    assert c.run("vote", {}).actions == []


def test_rules_see_the_same_snapshot():
    # the first rule grants a chance; the second still sees chances_left == 0
    c = compile_bundle(
        make_bundle(
            rules=[
                rule("grant", "share", None, GRANT),
                rule(
                    "empty",
                    "share",
                    {"all": [{"name": "chances_left", "operator": "equal_to", "value": 0}]},
                    MSG,
                ),
            ]
        )
    )
    assert c.run("share", {"chances_left": 0}).fired == ["grant", "empty"]


def test_returned_params_are_copies():
    c = compile_bundle(make_bundle(rules=[rule("a", "share", None, GRANT)]))
    c.run("share", {}).actions[0][1]["count"] = 99
    assert c.run("share", {}).actions[0][1]["count"] == 1


def test_trace_names_the_failed_condition():
    cond = {
        "all": [
            {"name": "shares_today", "operator": "less_than", "value": 3},
            {
                "any": [
                    {"name": "city", "operator": "equal_to", "value": "青岛"},
                    {"name": "tags", "operator": "contains_all", "value": ["vip"]},
                ]
            },
        ]
    }
    c = compile_bundle(make_bundle(rules=[rule("a", "share", cond, MSG)]))
    out = c.run("share", {"shares_today": 1, "city": "济南", "tags": ("x",)})
    trace = json.loads(json.dumps(out.explain()))["rules"]
    assert trace == [
        {
            "rule": "a",
            "fired": False,
            "failed": [
                {
                    "path": "conditions.all[1].any[0]",
                    "name": "city",
                    "operator": "equal_to",
                    "value": "青岛",
                    "actual": "济南",
                },
                {
                    "path": "conditions.all[1].any[1]",
                    "name": "tags",
                    "operator": "contains_all",
                    "value": ["vip"],
                    "actual": ["x"],
                },
            ],
        }
    ]
    out = c.run("share", {"shares_today": 5, "city": "青岛"})
    assert out.trace[0]["failed"][0]["path"] == "conditions.all[0]"


def test_deny_is_reported():
    deny = {"name": "deny", "params": {"message": "请先绑卡"}}
    c = compile_bundle(
        make_bundle(
            rules=[
                rule("d", "draw", {"all": [{"name": "card_bound", "operator": "is_false"}]}, deny)
            ]
        )
    )
    assert c.run("draw", {"card_bound": False}).denied == "请先绑卡"
    assert c.run("draw", {"card_bound": True}).denied is None


def test_audience_whitelist_then_conditions():
    b = make_bundle(
        audience={
            "whitelist": ["u1", "u2"],
            "whitelist_channel": "app",
            "message": "仅限受邀客户",
            "conditions": {
                "all": [{"name": "age", "operator": "greater_than_or_equal_to", "value": 18}]
            },
        }
    )
    c = compile_bundle(b)
    assert c.audience_allows({"age": 30}, "u1", "app") == (True, None)
    assert c.audience_allows({"age": 30}, "u3", "app") == (False, "仅限受邀客户")
    assert c.audience_allows({"age": 17}, "u1", "app") == (False, "仅限受邀客户")
    assert c.audience_trace({"age": 17})[0]["path"] == "audience.conditions.all[0]"


def test_whitelist_ids_are_per_channel():
    b = make_bundle(audience={"whitelist": ["u1"], "whitelist_channel": "app", "message": "受邀"})
    c = compile_bundle(b)
    assert c.audience_allows({}, "u1", "app") == (True, None)
    assert c.audience_allows({}, "u1", "kiosk") == (False, "受邀")  # same id, another channel
    assert c.audience_allows({}, "u1", None) == (False, "受邀")


def test_open_audience():
    assert compile_bundle(make_bundle()).audience_allows({}, "anyone", None) == (True, None)


def test_compile_refuses_invalid_bundle():
    with pytest.raises(BundleError):
        compile_bundle(make_bundle(rules=[rule("a", "share", None, {"name": "explode"})]))


def test_windows_view():
    from datetime import UTC, datetime

    c = compile_bundle(make_bundle())
    now = datetime(2026, 11, 6, 12, 30, tzinfo=UTC)
    assert c.windows.is_open("crazy_hour", now)
    assert c.windows.open_windows(now) == ["crazy_hour"]
    assert c.windows.local_time_variables(now)["weekday"] == 5
