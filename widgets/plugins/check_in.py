"""签到 (seed 002): a month calendar, monthly bonus days, points, and draws earned by check-ins.

Every value the page shows about what a check-in earns is a setting, and the settings generate
the rules that pay it (widgets/managed.py)."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class CheckInConfig(forms.PageSchema):
    daily_points = forms.integer(
        "每日签到积分",
        "Points per check-in",
        10,
        minimum=0,
        maximum=100000,
        help_zh="0:签到不送积分",
        help_en="0: a check-in earns no points",
    )
    bonus_days = forms.int_list(
        "每月奖励日",
        "Monthly bonus days",
        [18],
        minimum=1,
        maximum=31,
        help_zh="这些日子签到额外奖励积分,如每月18日",
        help_en="Check-ins on these days of the month earn extra points",
    )
    bonus_points = forms.integer(
        "奖励日额外积分", "Bonus-day points", 1800, minimum=0, maximum=1000000
    )
    streak_days = forms.integer(
        "连续签到几天得抽奖机会",
        "Streak that earns a draw",
        7,
        minimum=0,
        maximum=31,
        help_zh="连续签到达到该天数时送1次抽奖机会;0:不按连续签到送",
        help_en="A draw when the streak reaches this many days; 0: none",
    )
    month_checkins = forms.integer(
        "当月累计签到几天得抽奖机会",
        "Check-ins in a month that earn a draw",
        0,
        minimum=0,
        maximum=31,
        help_zh="当月累计签到达到该天数时送1次抽奖机会;0:不按当月累计送",
        help_en="A draw at this many check-ins in a calendar month; 0: none",
    )
    draw_kind = forms.text(
        "签到所送机会类型",
        "Chance kind check-ins earn",
        "lottery",
        max_length=64,
        refers_to="chance_kind",
        help_zh="从本活动的机会类型中选择",
        help_en="One of this campaign's kinds of chance",
    )
    points_name = forms.text("积分名称", "Points name", "青豆", max_length=8)


class CheckIn(Widget):
    type = "check_in"
    name_zh = "每日签到"
    name_en = "Daily check-in"
    description_zh = "月历签到,连续或累计签到解锁抽奖,每月奖励日签到得额外积分。"
    description_en = "Monthly check-in calendar: check-ins unlock draws, bonus days earn more."
    icon = "📅"
    config_schema = CheckInConfig
    actions = ("check_in", "draw", "share")
    texts = {
        "check_in": ("立即签到", "Check in"),
        "checked_in": ("今日已签到", "Checked in"),
        "bonus_day": ("奖励日", "Bonus"),
        "total": ("累计签到", "Total"),
        "draw_unlocked": ("抽奖机会", "Draws"),
        "go_draw": ("去抽奖", "Draw now"),
        "weekdays": ("日一二三四五六", "SMTWTFS"),
        "earned": ("签到成功", "Checked in"),
        "perk_daily": ("每日签到", "Every check-in"),
        "perk_bonus": ("每月{days}日签到", "Check in on day {days}"),
        "perk_streak": ("连续签到{n}天", "A {n}-day streak"),
        "perk_month": ("当月累计签到{n}天", "{n} check-ins in a month"),
    }
    managed_rule_settings = {
        "daily-points": ("daily_points",),
        "bonus-day": ("bonus_days", "bonus_points"),
        "streak-draw": ("streak_days", "draw_kind"),
        "month-draw": ("month_checkins", "draw_kind"),
    }

    def customize_bundle(self, bundle, config) -> None:
        # the amounts and days are on the page, generated from the settings: not repeated here
        bundle["description"] = (
            "1. 每天可签到一次,签到所得积分和抽奖机会见签到日历下方。\n"
            "2. 漏签一天,连续签到天数从1重新计算。\n"
            "3. 积分可在积分商城兑换礼品。"
        )
        bundle["chances"] = defaults.single_kind(
            initial=0, daily=0, key="lottery", name="抽奖机会", name_en="Draw"
        )
        bundle["prizes"] = defaults.standard_prizes()
        bundle["rules"] = []

    def rules_from_settings(self, config: dict) -> list[dict]:
        rules = []
        if config["daily_points"]:
            rules.append(_points_rule("daily-points", None, config["daily_points"], "每日签到"))
        days = sorted(set(config["bonus_days"]))
        if days and config["bonus_points"]:
            on_day = {
                "any": [{"name": "day_of_month", "operator": "equal_to", "value": d} for d in days]
            }
            rules.append(_points_rule("bonus-day", on_day, config["bonus_points"], "奖励日签到"))
        for rule_id, variable, setting in (
            ("streak-draw", "checkin_streak", "streak_days"),
            ("month-draw", "checkins_this_month", "month_checkins"),
        ):
            if config[setting]:
                reached = {
                    "all": [{"name": variable, "operator": "equal_to", "value": config[setting]}]
                }
                grant = {"kind": config["draw_kind"], "count": 1}
                rules.append(
                    {
                        "id": rule_id,
                        "trigger": "check_in",
                        "conditions": reached,
                        "actions": [{"name": "grant_chances", "params": grant}],
                    }
                )
        return rules


def _points_rule(rule_id: str, conditions: dict | None, amount: int, note: str) -> dict:
    return {
        "id": rule_id,
        "trigger": "check_in",
        "conditions": conditions,
        "actions": [{"name": "award_points", "params": {"amount": amount, "note": note}}],
    }


WIDGET = CheckIn()
