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


# what an approver must never read: formats, widget and enum keys, ISO times, reward choices
RAW = re.compile(
    r"campaign-bundle|lucky_wheel|points_mall|equal_to|is_true|\bmon\b|\d{4}-\d\d-\d\dT"
    r"|\bremove\b|\brandom\b|\bfixed\b|account_opened|card_spend|coupon_code|\bphysical\b"
    r"|Other settings|其他设置"
)
BRANCHES = {"JN001": "济南分行", "QD001": "青岛分行", "YT001": "烟台分行", "HQ": "总行"}


def described(app, lang, old, new):
    header = "zh-CN" if lang == "zh" else "en"
    with app.test_request_context(headers={"Accept-Language": header}):
        refresh()
        return {r.path: r for r in describe_changes(old, new, lang, BRANCHES)}


def mall_edit(bundle):
    changed = copy.deepcopy(bundle)
    items = {i["key"]: i for i in changed["mall"]["items"]}
    items["phone-credit-10"]["price"] = 1500
    items["thermos"]["stock"] = 80
    items["video-month"]["per_person_limit"] = 2
    items["video-month"]["choices"][1]["reward"]["pool"] = "mall-iqiyi-new"
    tasks = {t["key"]: t for t in changed["tasks"]}
    tasks["mobile-banking"]["points"] = 500
    tasks["first-card-spend"]["badge"]["name"] = "刷卡达人"
    tasks["invite"]["event"] = "check_in"
    changed["mall"]["points_from"] = "bank"
    changed["limits"]["budget"]["amount"] = 350000
    return changed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_campaign_reads_section_by_section_in_words(app, lang):
    rows = described(app, lang, None, load_template("decent_lottery"))
    assert "format" not in rows and {r.kind for r in rows.values()} == {"added"}
    for row in rows.values():
        assert not RAW.search(f"{row.label} {row.after}"), (lang, row.label, row.after)
        assert row.section and row.detail
    zh = lang == "zh"
    assert rows["widget.type"].after == ("大转盘" if zh else "Lucky wheel")
    assert rows["widget.config.theme"].after == ("喜庆红" if zh else "Red")
    assert rows["schedule.starts_at"].after == "2026-06-01 00:00"
    assert ("周一" if zh else "Mon") in rows["schedule.windows[lunch]"].after
    audience = rows["audience.conditions"].after
    assert ("城市 等于 济南" if zh else "City equals 济南") in audience
    assert rows["limits.budget"].after == "200,000 CNY"
    assert rows["limits.budget"].label == (
        "配额与预算 · 预算" if zh else "Quotas and budget · Budget"
    )
    draws = rows["limits.per_person.draws_per_day"]
    assert draws.section == ("机会与限制" if zh else "Chances and limits") and draws.after == "5"
    assert rows["limits.branch_quotas.JN001"].label.endswith("济南分行")
    assert rows["odds.exhausted"].after == (
        "其概率分给其他奖品" if zh else "Its share goes to the other prizes"
    )
    fixed = rows["prizes[packet_fixed]"].after
    assert ("金额方式 固定金额" if zh else "Amount Fixed amount") in fixed
    assert ("固定金额(元) 5" if zh else "Fixed amount (CNY) 5") in fixed
    assert ("积分数量" if zh else "Points ") not in fixed
    kind = rows["chances.kinds[spin]"]
    assert kind.label == ("机会类型 “抽奖机会”" if zh else "Kind of chance “Spin”")
    assert ("参加时赠送 1" if zh else "Given when joining 1") in kind.after


def test_a_new_campaigns_sections_come_in_the_editors_order(app):
    from builder.changes import by_section

    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        bundle = load_template("points_mall_tasks")
        rows = describe_changes(None, bundle, "en", BRANCHES)
        sections = [section for section, _ in by_section(rows, bundle)]
    assert sections == [  # a points mall does not draw: no prizes, chances or draw limits
        "Basics and schedule",
        "Widget settings",
        "Tasks and badges",
        "Points mall",
        "Quotas and budget",
        "Audience",
        "Rules",
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_points_mall_lists_its_rights_and_tasks_by_name(app, lang):
    rows = described(app, lang, None, load_template("points_mall_tasks"))
    zh = lang == "zh"
    for row in rows.values():
        assert not RAW.search(f"{row.label} {row.after}"), (lang, row.label, row.after)
    phone = rows["mall.items[phone-credit-10]"]
    assert phone.label == ("权益 “10元话费券”" if zh else "Right “CNY 10 phone credit”")
    assert ("价格(积分) 1000" if zh else "Price (points) 1000") in phone.after
    assert ("券码池 mall-phone-10" if zh else "Code pool mall-phone-10") in phone.after
    video = rows["mall.items[video-month]"].after
    assert ("腾讯视频" if zh else "Tencent Video") in video
    task = rows["tasks[mobile-banking]"]
    assert task.label == ("任务 “开通手机银行”" if zh else "Task “Turn on mobile banking”")
    assert ("完成条件 开立账户" if zh else "Done when Open an account") in task.after
    assert ("积分 300" if zh else "Points 300") in task.after and "📱" in task.after
    assert rows["mall.points_from"].after == (
        "本活动赚取的积分" if zh else "Points earned in this campaign"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_mall_and_task_edit_is_one_row_per_changed_field(app, lang):
    old = load_template("points_mall_tasks")
    rows = described(app, lang, old, mall_edit(old))
    zh = lang == "zh"
    found = {r.label: (r.before, r.after) for r in rows.values()}
    right, task = ("权益", "任务") if zh else ("Right", "Task")
    expected = {
        f"{right} “10元话费券” · 价格(积分)"
        if zh
        else "Right “CNY 10 phone credit” · Price (points)": ("1000", "1500"),
        f"{right} “定制保温杯” · 库存" if zh else "Right “Branded thermos mug” · Stock": (
            "50",
            "80",
        ),
        f"{task} “开通手机银行” · 积分" if zh else "Task “Turn on mobile banking” · Points": (
            "300",
            "500",
        ),
        "配额与预算 · 预算" if zh else "Quotas and budget · Budget": ("300,000 CNY", "350,000 CNY"),
    }
    for label, values in expected.items():
        assert found[label] == values, (label, found)
    option = rows["mall.items[video-month].choices[iqiyi].reward.pool"]
    assert option.label == (
        "权益 “视频会员月卡” · 可选项 “爱奇艺” · 券码池"
        if zh
        else "Right “Video membership (1 month)” · Option “iQIYI” · Code pool"
    )
    badge = rows["tasks[first-card-spend].badge"]
    assert "支付达人" in badge.before and "刷卡达人" in badge.after
    event = rows["tasks[invite].event"]
    assert (event.before, event.after) == (
        ("邀请好友", "连续签到") if zh else ("Invite friends", "Check-in streak")
    )
    assert rows["mall.points_from"].after == (
        "全行积分(员工录入)" if zh else "Bank-wide points (entered by staff)"
    )
    assert len(rows) == 9
    for row in rows.values():
        assert not RAW.search(f"{row.label} {row.before} {row.after}"), (lang, row)
