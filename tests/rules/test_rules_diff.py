"""diff_bundles: every changed field with its old and new value, list items by key."""

from __future__ import annotations

import copy

from rules import diff_bundles
from rules.diff import changed_fields, glossary
from rules.templates import load_template


def found(old, new):
    return {c.path: c for c in diff_bundles(old, new)}


def test_identical_bundles_have_no_changes():
    a = load_template("icbc_treasure_dig")
    assert diff_bundles(a, copy.deepcopy(a)) == []


def test_prize_changes_are_keyed_by_prize_not_position():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["prizes"][1]["weight"] = 4
    b["prizes"][2]["stock"] = 100
    b["prizes"][3]["reward"]["valid_days"] = 60
    b["prizes"].append({"key": "tv", "name": "电视", "weight": 1, "reward": {"kind": "physical"}})
    del b["prizes"][0]  # every later prize moves up one place: still only what changed shows
    changes = found(a, b)
    weight = changes["prizes[iphone_voucher].weight"]
    assert (weight.kind, weight.section, weight.before, weight.after) == ("changed", "prizes", 2, 4)
    assert changes["prizes[fuel_card].stock"].after == 100
    assert changes["prizes[phone_credit].reward.valid_days"].after == 60
    assert changes["prizes[tv]"].kind == "added" and changes["prizes[tv]"].after["name"] == "电视"
    assert changes["prizes[car]"].kind == "removed" and changes["prizes[car]"].after is None
    assert len(changes) == 5


def test_a_rule_change_carries_the_old_and_new_conditions_and_actions():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["rules"][0]["conditions"]["all"][0]["value"] = 5
    b["rules"][0]["actions"][0]["params"]["count"] = 2
    removed = b["rules"].pop(1)
    b["rules"].append({**removed, "id": "new-rule"})
    changes = found(a, b)
    conditions = changes["rules[share-bonus].conditions"]
    assert conditions.before["all"][0]["value"] == 3 and conditions.after["all"][0]["value"] == 5
    actions = changes["rules[share-bonus].actions"]
    assert actions.before[0]["params"]["count"] == 1 and actions.after[0]["params"]["count"] == 2
    assert changes["rules[crazy-hour-gold]"].kind == "removed"
    assert changes["rules[new-rule]"].kind == "added"


def test_reordering_rules_is_one_change():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["rules"].reverse()
    changes = diff_bundles(a, b)
    assert [(c.path, c.kind) for c in changes] == [("rules", "reordered")]
    assert changes[0].after == [r["id"] for r in b["rules"]]


def test_schedule_audience_odds_and_limits():
    a = load_template("decent_lottery")
    b = copy.deepcopy(a)
    b["schedule"]["windows"][0]["weekly"]["start"] = "11:00"
    b["audience"]["whitelist"].append("demo-009")
    b["audience"]["conditions"]["all"][1] = {"name": "age", "operator": "less_than", "value": 60}
    b["odds"]["boosts"][0]["factor"] = 2
    b["limits"]["branch_quotas"]["JN001"] = 10
    changes = found(a, b)
    window = changes["schedule.windows[lunch]"]  # a window is read whole
    assert (
        window.before["weekly"]["start"] != "11:00" and window.after["weekly"]["start"] == "11:00"
    )
    assert changes["audience.whitelist"].after[-1] == "demo-009"
    assert changes["audience.conditions"].before == a["audience"]["conditions"]
    assert changes["odds.boosts"].after[0]["factor"] == 2
    assert changes["limits.branch_quotas.JN001"].after == 10
    assert {c.section for c in changes.values()} == {"schedule", "audience", "odds", "limits"}


def test_changed_fields_and_glossary_are_plain_json():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["prizes"][0]["weight"] = 9
    before, after = changed_fields(diff_bundles(a, b))
    assert before == {"prizes[car].weight": a["prizes"][0]["weight"]} and after == {
        "prizes[car].weight": 9
    }
    names = glossary(b)
    assert names["widget"] == "treasure_dig"
    assert names["kinds"]["gold"]["name"] == "金铲子"
    assert names["prizes"]["car"]["share"] > 0
    assert names["windows"]["crazy_hour"]["name"]
    assert names["rules"]["share-bonus"] == {
        "position": 1,
        "trigger": "share",
        "description": b["rules"][0]["description"],
    }


def test_tasks_mall_rights_and_their_options_are_keyed_and_named():
    a = load_template("points_mall_tasks")
    b = copy.deepcopy(a)
    b["tasks"][0]["points"] = 500
    b["tasks"][1]["badge"]["name"] = "刷卡达人"
    b["mall"]["items"][0]["price"] = 1500
    b["mall"]["items"][1]["choices"][1]["reward"]["pool"] = "mall-iqiyi-new"
    b["mall"]["items"].reverse()  # their order is not a change
    changes = found(a, b)
    assert changes["tasks[mobile-banking].points"].after == 500
    badge = changes["tasks[first-card-spend].badge"]  # a badge is read whole
    assert badge.before["name"] == "支付达人" and badge.after["name"] == "刷卡达人"
    assert changes["mall.items[phone-credit-10].price"].before == 1000
    pool = changes["mall.items[video-month].choices[iqiyi].reward.pool"]
    assert pool.after == "mall-iqiyi-new"
    assert len(changes) == 4
    names = glossary(b)
    assert names["tasks"]["mobile-banking"]["badge"] == "数字先锋"
    assert names["mall"]["video-month"]["choices"]["iqiyi"]["name_en"] == "iQIYI"
    assert names["mall"]["phone-credit-10"]["reward"] == "coupon_code"
    assert names["prizes"] == {} and names["currency"] == "CNY"
