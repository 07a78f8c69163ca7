"""diff_bundles: semantic changes with readable summaries."""

from __future__ import annotations

import copy

from rules import diff_bundles
from rules.templates import load_template


def kinds(old, new):
    return {(c.kind, c.path) for c in diff_bundles(old, new)}


def test_identical_bundles_have_no_changes():
    a = load_template("icbc_treasure_dig")
    assert diff_bundles(a, copy.deepcopy(a)) == []


def test_prize_changes():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["prizes"][1]["weight"] = 4
    b["prizes"][2]["stock"] = 100
    b["prizes"][3]["reward"]["valid_days"] = 60
    b["prizes"].append({"key": "tv", "name": "电视", "weight": 1, "reward": {"kind": "physical"}})
    del b["prizes"][0]
    found = {(c.kind, c.path): c for c in diff_bundles(a, b)}
    w = found[("weight_changed", "prizes[0].weight")]
    assert (w.before, w.after) == (2, 4)
    assert "iphone_voucher" in w.summary_en and "iPhone代金券" in w.summary_zh
    assert ("stock_changed", "prizes[1].stock") in found
    assert ("prize_changed", "prizes[2].reward.valid_days") in found
    assert ("prize_added", "prizes[5]") in found
    assert ("prize_removed", "prizes[0]") in found


def test_rule_changes():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["rules"][0]["conditions"]["all"][0]["value"] = 5
    removed = b["rules"].pop(1)
    b["rules"].append({**removed, "id": "new-rule"})
    found = kinds(a, b)
    assert ("rule_changed", "rules[0]") in found
    assert ("rule_removed", "rules[1]") in found
    assert ("rule_added", "rules[3]") in found


def test_reorder_is_a_change():
    a = load_template("icbc_treasure_dig")
    b = copy.deepcopy(a)
    b["rules"].reverse()
    assert {k for k, _ in kinds(a, b)} == {"rules_reordered"}


def test_schedule_audience_odds_changes():
    a = load_template("decent_lottery")
    b = copy.deepcopy(a)
    b["schedule"]["windows"][0]["weekly"]["start"] = "11:00"
    b["audience"]["whitelist"].append("demo-009")
    b["odds"]["boosts"][0]["factor"] = 2
    b["limits"]["branch_quotas"]["JN001"] = 10
    found = kinds(a, b)
    assert ("schedule_changed", "schedule.windows[lunch].weekly.start") in found
    assert ("audience_changed", "audience.whitelist") in found
    assert ("odds_changed", "odds.boosts[lunch].factor") in found
    assert ("limits_changed", "limits.branch_quotas.JN001") in found
    for change in diff_bundles(a, b):
        assert change.summary_en and change.summary_zh
