"""签到 (seed 002): a month calendar with streaks, monthly bonus days and points."""

from __future__ import annotations

from widgets import defaults, forms
from widgets.base import Widget


class CheckInConfig(forms.PageSchema):
    daily_points = forms.integer(
        "每日签到积分", "Points per check-in", 10, minimum=0, maximum=100000
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
        "连续签到天数解锁抽奖", "Streak that unlocks a draw", 7, minimum=2, maximum=31
    )
    points_name = forms.text("积分名称", "Points name", "青豆", max_length=8)


class CheckIn(Widget):
    type = "check_in"
    name_zh = "每日签到"
    name_en = "Daily check-in"
    description_zh = "月历签到,连续签到解锁抽奖,每月奖励日签到得额外积分。"
    description_en = "Monthly check-in calendar: streaks unlock draws, bonus days earn more."
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
    }

    def customize_bundle(self, bundle, config) -> None:
        name = config["points_name"]
        days = "、".join(str(d) for d in config["bonus_days"])
        bundle["description"] = (
            f"1. 每日签到得{config['daily_points']}{name}。\n"
            f"2. 每月{days}日签到额外得{config['bonus_points']}{name}。\n"
            f"3. 连续签到{config['streak_days']}天解锁一次抽奖机会。\n"
            "4. 积分可在积分商城兑换礼品。"
        )
        bundle["chances"] = defaults.single_kind(
            initial=0, daily=0, key="lottery", name="抽奖机会", name_en="Draw"
        )
        bundle["prizes"] = defaults.standard_prizes()
        bundle["rules"] = _rules(config)


def _rules(config: dict) -> list[dict]:
    rules = [
        {
            "id": "daily-points",
            "trigger": "check_in",
            "conditions": None,
            "actions": [
                {
                    "name": "award_points",
                    "params": {"amount": config["daily_points"], "note": "签到"},
                }
            ],
        }
    ]
    if config["bonus_days"] and config["bonus_points"]:
        rules.append(
            {
                "id": "bonus-day",
                "trigger": "check_in",
                "conditions": {
                    "any": [
                        {"name": "day_of_month", "operator": "equal_to", "value": d}
                        for d in config["bonus_days"]
                    ]
                },
                "actions": [
                    {
                        "name": "award_points",
                        "params": {"amount": config["bonus_points"], "note": "奖励日签到"},
                    }
                ],
            }
        )
    rules.append(
        {
            "id": "streak-draw",
            "trigger": "check_in",
            "conditions": {
                "all": [
                    {
                        "name": "checkin_streak",
                        "operator": "equal_to",
                        "value": config["streak_days"],
                    }
                ]
            },
            "actions": [{"name": "grant_chances", "params": {"kind": "lottery", "count": 1}}],
        }
    )
    return [r for r in rules if r["actions"][0]["params"].get("amount", 1)]


WIDGET = CheckIn()
