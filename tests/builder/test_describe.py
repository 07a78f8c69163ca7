"""Rules in words for marketers, in both languages, with the campaign's own names."""

from builder.describe import bundle_names, reward_kind, rule_sentence
from rules.templates import load_template


def test_rule_sentences_use_labels_and_names():
    bundle = load_template("icbc_treasure_dig")
    share = next(r for r in bundle["rules"] if r["trigger"] == "share")
    zh = rule_sentence(share, "zh", bundle_names(bundle, "zh"))
    en = rule_sentence(share, "en", bundle_names(bundle, "en"))
    assert zh.startswith("当分享时") and "赠送机会" in zh and "银铲子" in zh
    assert en.startswith("On Share") and "Grant chances" in en and "Silver shovel" in en
    assert "grant_chances" not in zh + en


def test_nested_conditions_and_window_names():
    rule = {
        "id": "r",
        "trigger": "share",
        "conditions": {
            "all": [
                {"name": "active_windows", "operator": "contains", "value": "crazy_hour"},
                {
                    "any": [
                        {"name": "shares_today", "operator": "less_than", "value": 3},
                        {"name": "city", "operator": "equal_to", "value": "青岛"},
                    ]
                },
            ]
        },
        "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
    }
    names = {"crazy_hour": "疯狂一小时", "gold": "金铲子"}
    zh = rule_sentence(rule, "zh", names)
    assert "疯狂一小时" in zh and " 且 " in zh and " 或 " in zh and "金铲子" in zh


def test_reward_kinds_read_as_words():
    assert reward_kind("coupon_code", "zh") == "券码"
    assert reward_kind("physical", "en") == "Physical gift"
