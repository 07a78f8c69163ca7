"""One truth for settings shown to participants (widgets/managed.py): every setting a page shows
and a rule pays generates that rule, so changing it changes both the page and what is paid,
and a bundle whose managed rules disagree with its settings is reported with a path."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rules
import widgets
from rules.templates import list_templates, load_template

ALL = [w.type for w in widgets.enabled()]


def default(widget_type: str) -> dict[str, Any]:
    return widgets.get(widget_type).default_bundle(
        "managed-" + widget_type.replace("_", "-"), "测试", "HQ"
    )


def page_html(bundle: dict[str, Any], lang: str = "zh") -> str:
    widget = widgets.get(bundle["widget"]["type"])
    return widget.render_page(bundle, lang=lang, static_base="/w/static")


def page_data(html: str) -> dict[str, Any]:
    return json.loads(re.search(r'id="campaign-data">(.*?)</script>', html, re.S).group(1))


def text(html: str) -> str:
    """The page's visible text, tags dropped and blanks squeezed."""
    body = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# -- the contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("widget_type", ALL)
def test_managed_declarations_name_real_settings(widget_type):
    widget = widgets.get(widget_type)
    fields = widget.config_schema().fields
    for rule_id, names in widget.managed_rule_settings.items():
        assert names and all(name in fields for name in names), rule_id
    for limit, setting in widget.managed_limit_settings.items():
        assert setting in fields and limit in rules.load_bundle(default(widget_type))["limits"]
    config = widget.load_config({})
    generated = [r["id"] for r in widget.managed_rules(config)]
    assert generated == [r for r in widget.managed_rule_settings if r in generated]
    assert set(widget.managed_limits(config)) == set(widget.managed_limit_settings)


@pytest.mark.parametrize("widget_type", ALL)
def test_default_bundle_is_consistent_and_apply_is_idempotent(widget_type):
    bundle = default(widget_type)
    assert widgets.managed_problems(bundle) == []
    assert widgets.apply_managed(bundle) == bundle
    widget = widgets.get(widget_type)
    ids = [r["id"] for r in bundle["rules"]]
    assert set(widget.managed_rule_settings) & set(ids) == {
        r["id"] for r in widget.managed_rules(widget.load_config(bundle["widget"]["config"]))
    }


@pytest.mark.parametrize("name", list_templates())
def test_seed_templates_are_consistent(name):
    bundle = load_template(name)
    assert widgets.managed_problems(bundle) == []
    assert widgets.apply_managed(bundle) == bundle
    assert rules.validate_bundle(bundle) == []


def test_widgets_without_settings_that_pay_manage_nothing():
    for widget_type in ("lucky_wheel", "scratch_card", "nine_grid"):
        widget = widgets.get(widget_type)
        assert widget.managed_rule_settings == {} and widget.managed_limit_settings == {}
        bundle = default(widget_type)
        bundle["rules"][0]["conditions"]["all"][0]["value"] = 9  # the marketer's own rule
        assert widgets.apply_managed(bundle) == bundle
        assert widgets.managed_problems(bundle) == []


def test_settings_naming_chance_kinds_and_prizes_are_marked_for_the_studio():
    fields = {f["name"]: f for f in widgets.get("treasure_dig").form_fields()}
    assert fields["share_kind"]["refers_to"] == "chance_kind"
    assert "refers_to" not in fields["plots"]
    fields = {f["name"]: f for f in widgets.get("invite").form_fields()}
    assert fields["goal_prize"]["refers_to"] == "prize"


# -- each managed setting changes the page and what the rule pays -----------------------------


@dataclass(frozen=True)
class Case:
    widget: str
    setting: str
    value: Any
    trigger: str
    variables: dict[str, Any]
    pays: tuple[str, dict[str, Any]] | None  # an action the new setting pays; None: a refusal
    page: Callable[[str, dict[str, Any]], bool]  # (visible text, page data) shows the new value
    prepare: Callable[[dict[str, Any]], None] | None = None
    refused: dict[str, Any] = field(default_factory=dict)  # variables the new setting refuses


def _add_kind(key: str, name: str) -> Callable[[dict[str, Any]], None]:
    def add(bundle: dict[str, Any]) -> None:
        bundle["chances"]["kinds"].append({"key": key, "name": name, "initial": 0, "daily": 0})

    return add


CASES = [
    Case(
        "check_in",
        "daily_points",
        25,
        "check_in",
        {"day_of_month": 3},
        ("award_points", {"amount": 25, "note": "每日签到"}),
        lambda t, d: "每日签到 +25 青豆" in t,
    ),
    Case(
        "check_in",
        "bonus_points",
        2000,
        "check_in",
        {"day_of_month": 18},
        ("award_points", {"amount": 2000, "note": "奖励日签到"}),
        lambda t, d: "奖励日 +2000" in t and "每月18日签到 +2000 青豆" in t,
    ),
    Case(
        "check_in",
        "bonus_days",
        [28, 8],
        "check_in",
        {"day_of_month": 28},
        ("award_points", {"amount": 1800, "note": "奖励日签到"}),
        lambda t, d: "每月8、28日签到 +1800" in t and d["config"]["bonus_days"] == [28, 8],
    ),
    Case(
        "check_in",
        "streak_days",
        5,
        "check_in",
        {"checkin_streak": 5},
        ("grant_chances", {"kind": "lottery", "count": 1}),
        lambda t, d: "连续签到5天 +1 抽奖机会" in t,
    ),
    Case(
        "check_in",
        "month_checkins",
        7,
        "check_in",
        {"checkins_this_month": 7},
        ("grant_chances", {"kind": "lottery", "count": 1}),
        lambda t, d: "当月累计签到7天 +1 抽奖机会" in t,
    ),
    Case(
        "check_in",
        "draw_kind",
        "treasure",
        "check_in",
        {"checkin_streak": 7},
        ("grant_chances", {"kind": "treasure", "count": 1}),
        lambda t, d: "连续签到7天 +1 寻宝机会" in t,
        prepare=_add_kind("treasure", "寻宝机会"),
    ),
    Case(
        "treasure_dig",
        "share_bonus",
        2,
        "share",
        {"shares_today": 0},
        ("grant_chances", {"kind": "silver", "count": 2}),
        lambda t, d: "每次分享得2把银铲子,每天最多3次" in t,
    ),
    Case(
        "treasure_dig",
        "shares_per_day",
        5,
        "share",
        {"shares_today": 4},
        ("grant_chances", {"kind": "silver", "count": 1}),
        lambda t, d: "每天最多5次" in t,
        refused={"shares_today": 5},
    ),
    Case(
        "treasure_dig",
        "share_kind",
        "gold",
        "share",
        {"shares_today": 0},
        ("grant_chances", {"kind": "gold", "count": 1}),
        lambda t, d: "每次分享得1把金铲子" in t,
    ),
    Case(
        "red_packet",
        "share_bonus",
        3,
        "share",
        {"shares_today": 0},
        ("grant_chances", {"kind": "grab", "count": 3}),
        lambda t, d: "每次分享可再抢3个" in t,
    ),
    Case(
        "red_packet",
        "shares_per_day",
        6,
        "share",
        {"shares_today": 5},
        ("grant_chances", {"kind": "grab", "count": 1}),
        lambda t, d: "每天最多6次" in t,
        refused={"shares_today": 6},
    ),
    Case(
        "red_packet",
        "share_kind",
        "lucky",
        "share",
        {"shares_today": 0},
        ("grant_chances", {"kind": "lucky", "count": 1}),
        lambda t, d: d["config"]["share_kind"] == "lucky",
        prepare=_add_kind("lucky", "幸运红包"),
    ),
    Case(
        "vote",
        "votes_per_day",
        5,
        "vote",
        {"votes_today": 4},
        None,
        # 5 a day, but one per candidate a day: the sample's 4 candidates leave 4 votes
        lambda t, d: "每人每天5票" in t and "今日剩余票数 4" in t,
        refused={"votes_today": 5},
    ),
    Case(
        "invite",
        "goal",
        5,
        "referral",
        {"referrals_total": 5},
        ("issue_prize", {"prize": "mgm_gift"}),
        lambda t, d: "/ 5" in t and "邀请5位好友得邀请达人礼盒" in t,
    ),
    Case(
        "task_center",
        "badge_goal",
        4,
        "badge",
        {"badges_count": 4},
        ("grant_chances", {"kind": "lottery", "count": 1}),
        lambda t, d: "集齐4枚勋章得1次抽奖机会" in t,
        refused={"badges_count": 3},
    ),
    Case(
        "task_center",
        "goal_chances",
        2,
        "badge",
        {"badges_count": 3},
        ("grant_chances", {"kind": "lottery", "count": 2}),
        lambda t, d: "集齐3枚勋章得2次抽奖机会" in t,
    ),
    Case(
        "task_center",
        "goal_kind",
        "bonus",
        "badge",
        {"badges_count": 3},
        ("grant_chances", {"kind": "bonus", "count": 1}),
        lambda t, d: "集齐3枚勋章得1次奖励抽奖" in t,
        prepare=_add_kind("bonus", "奖励抽奖"),
    ),
    Case(
        "invite",
        "goal_prize",
        "packet",
        "referral",
        {"referrals_total": 3},
        ("issue_prize", {"prize": "packet"}),
        lambda t, d: "邀请3位好友得现金红包" in t,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.widget}.{c.setting}")
def test_changing_a_setting_changes_the_page_and_the_rule_that_pays(case: Case):
    before = default(case.widget)
    if case.prepare:
        case.prepare(before)
    assert before["widget"]["config"][case.setting] != case.value
    edited = copy.deepcopy(before)
    edited["widget"]["config"][case.setting] = case.value
    after = widgets.apply_managed(edited)

    old_html, new_html = page_html(before), page_html(after)
    assert case.page(text(new_html), page_data(new_html))
    assert not case.page(text(old_html), page_data(old_html))

    old_rules, new_rules = rules.compile_bundle(before), rules.compile_bundle(after)
    paid_now = new_rules.run(case.trigger, case.variables)
    paid_before = old_rules.run(case.trigger, case.variables)
    if case.pays is None:  # the setting loosens a refusal
        assert paid_before.denied and not paid_now.denied
    else:
        assert case.pays in paid_now.actions and case.pays not in paid_before.actions
    if case.refused:
        outcome = new_rules.run(case.trigger, case.refused)
        assert outcome.denied or outcome.actions == []
    for name, setting in widgets.get(case.widget).managed_limit_settings.items():
        assert after["limits"][name] == after["widget"]["config"][setting]

    # the setting changed alone (rules left as they were) is a bundle that cannot be saved
    problems = widgets.managed_problems(edited)
    assert problems and all(p["code"] == "widget.managed" for p in problems)
    assert f"widget.config.{case.setting}" in {s for p in problems for s in p["settings"]}


# -- apply_managed: replace in place, insert at a stable position, remove -----------------------


def test_apply_replaces_in_place_and_keeps_the_marketers_rules_and_order():
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = 2000
    before_ids = [r["id"] for r in bundle["rules"]]
    applied = widgets.apply_managed(bundle)
    assert [r["id"] for r in applied["rules"]] == before_ids
    bonus = applied["rules"][before_ids.index("bonus-day")]
    assert bonus["actions"][0]["params"]["amount"] == 2000
    assert bundle["rules"][1]["actions"][0]["params"]["amount"] == 1800  # input untouched
    for i, rule in enumerate(applied["rules"]):
        if rule["id"] != "bonus-day":
            assert rule == bundle["rules"][i]


def test_a_setting_that_generates_nothing_removes_its_rule_and_the_page_stops_showing_it():
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = 0
    problems = widgets.managed_problems(bundle)
    assert [p["path"] for p in problems] == ["rules[1]"]
    assert "'Bonus-day points' = 0" in problems[0]["message"]
    assert "remove it" in problems[0]["message"] and "请删除" in problems[0]["message_zh"]
    applied = widgets.apply_managed(bundle)
    assert "bonus-day" not in [r["id"] for r in applied["rules"]]
    on_18th = rules.compile_bundle(applied).run("check_in", {"day_of_month": 18})
    assert on_18th.actions == [("award_points", {"amount": 10, "note": "每日签到"})]
    html = page_html(applied)
    perks = text(re.search(r'<ul class="ci-perks".*?</ul>', html, re.S).group(0))
    assert "每月18日签到" not in perks and "当月累计签到7天" in perks
    assert "奖励日 +" not in text(html) and 'id="ci-bonus-points"' not in html
    # (the rules text, `description`, stays the marketer's free text)


def test_a_missing_managed_rule_is_inserted_after_its_predecessor_or_first():
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["streak_days"] = 5  # generates streak-draw, between the others
    applied = widgets.apply_managed(bundle)
    ids = [r["id"] for r in applied["rules"]]
    assert ids[:4] == ["daily-points", "bonus-day", "streak-draw", "month-draw"]
    assert ids[4:] == ["after-transaction", "dormant-welcome"]

    bundle = load_template("qingdao_checkin")
    bundle["rules"] = [r for r in bundle["rules"] if r["id"] != "daily-points"]
    problems = widgets.managed_problems(bundle)
    assert [p["path"] for p in problems] == ["rules"]
    assert "generate rule 'daily-points', which is missing" in problems[0]["message"]
    assert [r["id"] for r in widgets.apply_managed(bundle)["rules"]][0] == "daily-points"
    assert widgets.apply_managed(widgets.apply_managed(bundle)) == widgets.apply_managed(bundle)


def test_apply_leaves_an_invalid_widget_alone():
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = "lots"
    assert widgets.apply_managed(bundle) == bundle and widgets.managed_problems(bundle) == []
    bundle["widget"] = {"type": "slot_machine", "config": {}}
    assert widgets.apply_managed(bundle) == bundle and widgets.managed_problems(bundle) == []
    assert widgets.managed_problems("not a bundle") == []


# -- managed_problems names the rule, the setting and both values --------------------------------


def test_an_edited_managed_rule_is_reported_with_its_path_setting_and_both_values():
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = 2000  # the page now says +2000 ...
    # ... while the rule still pays 1800: the bug this module exists for
    [problem] = widgets.managed_problems(bundle)
    assert problem["path"] == "rules[1]"
    assert problem["settings"] == ["widget.config.bonus_days", "widget.config.bonus_points"]
    assert "'Bonus-day points' = 2000" in problem["message"]
    assert "actions[0].params.amount is 1800 in the rule but 2000" in problem["message"]
    assert "“奖励日额外积分”= 2000" in problem["message_zh"] and "1800" in problem["message_zh"]


def test_an_edited_managed_limit_is_reported():
    bundle = load_template("icbc_treasure_dig")
    bundle["limits"]["shares_rewarded_per_day"] = 10
    [problem] = widgets.managed_problems(bundle)
    assert problem["path"] == "limits.shares_rewarded_per_day"
    assert "is 10" in problem["message"] and "'Rewarded shares per day' = 3" in problem["message"]


def test_a_description_is_free_text_and_defaults_are_compared_as_rules_fills_them():
    bundle = load_template("qingdao_checkin")
    bundle["rules"][0]["description"] = "我的说明"
    bundle["rules"][0]["actions"][0]["params"]["note"] = "每日签到"
    assert widgets.managed_problems(bundle) == []
    loaded = rules.load_bundle(bundle)  # normalised: defaults filled, values completed
    assert widgets.managed_problems(loaded) == []
    bundle["rules"][0]["actions"][0]["params"]["amount"] = True  # not the number 1
    bundle["widget"]["config"]["daily_points"] = 1
    assert [p["path"] for p in widgets.managed_problems(bundle)] == ["rules[0]"]


def test_a_setting_naming_a_missing_chance_kind_or_prize_is_reported_at_the_setting():
    bundle = load_template("icbc_treasure_dig")
    bundle["widget"]["config"]["share_kind"] = "bronze"
    bundle = widgets.apply_managed(bundle)
    problems = widgets.managed_problems(bundle)
    assert [p["path"] for p in problems] == ["widget.config.share_kind"]
    assert (
        'chance kind "bronze"' in problems[0]["message"]
        and "gold, silver" in problems[0]["message"]
    )
    bundle = load_template("hengfeng_mgm")
    bundle["widget"]["config"]["goal_prize"] = "no_such_prize"
    problems = widgets.managed_problems(widgets.apply_managed(bundle))
    assert [p["path"] for p in problems] == ["widget.config.goal_prize"]


# -- boosts on the page come from the bundle, not from a second setting -------------------------


def test_the_crazy_hour_on_the_page_is_the_schedule_window_and_the_boost():
    bundle = load_template("icbc_treasure_dig")
    html = text(page_html(bundle))
    assert "疯狂一小时 每周五 20:00-21:00" in html and "中奖概率×3" in html
    bundle["schedule"]["windows"][0]["weekly"] = {"days": ["sat"], "start": "19:30", "end": "20:30"}
    bundle["odds"]["boosts"][0]["factor"] = 2.5
    html = text(page_html(bundle))
    assert "疯狂一小时 每周六 19:30-20:30" in html and "中奖概率×2.5" in html
    english = text(page_html(bundle, "en"))
    assert "Every Sat 19:30-20:30" in english and "odds ×2.5" in english
    [boost] = page_data(page_html(bundle))["boosts"]
    assert boost["prizes"] == ["iphone_voucher", "fuel_card", "phone_credit"]
    assert "weight" not in json.dumps(boost) and "stock" not in json.dumps(boost)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    template=st.sampled_from(list_templates()),
    section=st.sampled_from(["rules", "limits", "chances", "prizes", "widget", "odds"]),
    junk=JSON,
    rule_junk=st.dictionaries(st.sampled_from(["id", "actions", "conditions"]), JSON, max_size=3),
)
def test_junk_never_raises(template, section, junk, rule_junk):
    bundle = load_template(template)
    bundle[section] = junk
    widgets.managed_problems(bundle)
    widgets.apply_managed(bundle)
    bundle = load_template(template)
    bundle["rules"].append(rule_junk)
    bundle["rules"][0].update(rule_junk)
    assert isinstance(widgets.managed_problems(bundle), list)
    assert widgets.apply_managed(widgets.apply_managed(bundle)) == widgets.apply_managed(bundle)
