"""Changes in words: old and new values of every changed field with the campaign's own names,
in Chinese and English, never a JSON path or a Python repr."""

from __future__ import annotations

import copy
import re

import pytest
from flask_babel import refresh

from builder.changes import describe_changes
from rules.templates import load_template

INTERNAL = re.compile(r"\w+\[[\w-]+\]|\{'|\[\{|'\w+':|\b[a-z]+_[a-z_]+\b")


def edited(bundle):
    changed = copy.deepcopy(bundle)
    changed["rules"][0]["conditions"]["all"][0]["value"] = 5
    changed["rules"][0]["actions"][0]["params"]["count"] = 2
    changed["rules"][2]["conditions"]["all"][0]["value"] = 5
    changed["prizes"][1]["weight"] = 4
    changed["audience"]["conditions"] = {
        "all": [{"name": "age", "operator": "greater_than_or_equal_to", "value": 25}]
    }
    changed["schedule"]["windows"][0]["weekly"]["start"] = "21:00"
    changed["prizes"].append(
        {"key": "tv", "name": "电视", "weight": 1, "stock": 3, "reward": {"kind": "physical"}}
    )
    changed["limits"]["branch_quotas"] = {"SH001": 4}
    return changed


@pytest.fixture
def rows(app):
    def read(lang: str):
        header = "zh-CN" if lang == "zh" else "en"
        with app.test_request_context(headers={"Accept-Language": header}):
            refresh()
            old = load_template("icbc_treasure_dig")
            return {
                r.path: r for r in describe_changes(old, edited(old), lang, {"SH001": "上海分行"})
            }

    return read


def test_rule_prize_and_audience_changes_read_as_old_and_new_values(rows):
    zh = rows("zh")
    rule = zh["rules[share-bonus].conditions"]
    assert rule.label.startswith("规则1“由组件设置生成") and rule.label.endswith("” · 条件")
    assert "今日分享次数" in rule.before and "3" in rule.before
    assert "今日分享次数" in rule.after and "5" in rule.after
    actions = zh["rules[share-bonus].actions"]
    assert "银铲子" in actions.before and "1" in actions.before and "2" in actions.after
    weight = zh["prizes[iphone_voucher].weight"]
    assert "iPhone" in weight.label and weight.before.startswith("2 (") and "%" in weight.after
    audience = zh["audience.conditions"]
    assert audience.before == "总是" and "年龄" in audience.after and "25" in audience.after
    assert "疯狂一小时" in zh["schedule.windows[crazy_hour]"].label
    assert "21:00" in zh["schedule.windows[crazy_hour]"].after
    assert zh["limits.branch_quotas.SH001"].label.endswith("上海分行")
    assert zh["prizes[tv]"].kind == "added" and "电视" in zh["prizes[tv]"].label


def test_no_internal_key_in_either_language(rows):
    for lang in ("zh", "en"):
        for row in rows(lang).values():
            text = f"{row.label} {row.before} {row.after}"
            assert not INTERNAL.search(text), (lang, text)
    en = rows("en")
    label = en["rules[share-bonus].conditions"].label
    assert label.startswith("Rule 1 “") and label.endswith("” · Conditions")
    assert en["rules[friend-joined].conditions"].label == (
        "Rule 3: Referral (inviter side) · Conditions"
    )
    assert "Silver shovel" in en["rules[share-bonus].actions"].after
