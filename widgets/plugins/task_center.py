"""任务中心 (seed 000, Children's Day): tasks done offline and online (open an account, buy a
product, check in, invite) light up badges; collecting enough of them unlocks draws.

The tasks and their badges are the bundle's `tasks` (the studio's tasks section). The badge
goal is a setting that generates the rule paying it (widgets/managed.py), so what the page
promises ("collect 3 badges for a draw") is what the rules pay."""

from __future__ import annotations

from typing import Any

from widgets import defaults, forms
from widgets.base import Widget
from widgets.loyalty import page_tasks


class TaskCenterConfig(forms.PageSchema):
    badge_goal = forms.integer(
        "集齐几枚勋章得抽奖机会",
        "Badges that earn a draw",
        3,
        minimum=0,
        maximum=50,
        help_zh="获得第N枚勋章时送抽奖机会;0:不送",
        help_en="Draws when the participant earns their Nth badge; 0: none",
    )
    goal_chances = forms.integer("集齐后送几次机会", "Draws for the goal", 1, minimum=1, maximum=20)
    goal_kind = forms.text(
        "集齐所送机会类型",
        "Chance kind the goal earns",
        "lottery",
        max_length=64,
        refers_to="chance_kind",
        help_zh="从本活动的机会类型中选择",
        help_en="One of this campaign's kinds of chance",
    )
    points_name = forms.text("积分名称", "Points name", "积分", max_length=8)


class TaskCenter(Widget):
    type = "task_center"
    name_zh = "任务中心"
    name_en = "Task centre"
    description_zh = "线上线下任务点亮勋章、赚积分,集齐勋章解锁抽奖。"
    description_en = (
        "Tasks online and offline light up badges and earn points; badges unlock draws."
    )
    icon = "🏅"
    config_schema = TaskCenterConfig
    actions = ("task", "check_in", "share", "draw")
    texts = {
        "goal": ("集齐{n}枚勋章得{count}次{kind}", "Collect {n} badges: {count} × {kind}"),
        "tasks": ("任务列表", "Tasks"),
        "go_draw": ("去抽奖", "Draw now"),
    }
    managed_rule_settings = {"badge-goal": ("badge_goal", "goal_chances", "goal_kind")}
    parts = ("tasks",)

    def customize_bundle(self, bundle: dict[str, Any], config: dict[str, Any]) -> None:
        bundle["description"] = (
            "1. 完成下列任务即可点亮对应勋章,部分任务另送积分。\n"
            "2. 开户、购买等线下或App内任务完成后自动点亮,无需操作。\n"
            "3. 集齐指定数量的勋章即获得抽奖机会(见勋章墙下方)。\n"
            "4. 每个任务每人只能完成一次。"
        )
        bundle["chances"] = defaults.single_kind(
            initial=0, daily=0, key="lottery", name="抽奖机会", name_en="Draw"
        )
        bundle["prizes"] = defaults.standard_prizes()
        bundle["rules"] = []
        bundle["tasks"] = sample_tasks()

    def rules_from_settings(self, config: dict[str, Any]) -> list[dict[str, Any]]:
        if not config["badge_goal"]:
            return []
        reached = {
            "all": [{"name": "badges_count", "operator": "equal_to", "value": config["badge_goal"]}]
        }
        grant = {"kind": config["goal_kind"], "count": config["goal_chances"]}
        return [
            {
                "id": "badge-goal",
                "trigger": "badge",
                "conditions": reached,
                "actions": [{"name": "grant_chances", "params": grant}],
            }
        ]

    def page_data(self, bundle: dict[str, Any]) -> dict[str, Any]:
        data = super().page_data(bundle)
        data["tasks"] = page_tasks(bundle)
        return data

    def preview_state(self, bundle: dict[str, Any]) -> dict[str, Any]:
        state = super().preview_state(bundle)
        keys = [t["key"] for t in bundle.get("tasks") or []]
        state["tasks_done"] = keys[:2]
        return state


def _task(key: str, zh: str, en: str, event: str, badge: tuple[str, str, str], **fields: Any):
    name_zh, name_en, icon = badge
    return {
        "key": key,
        "name": zh,
        "name_en": en,
        "event": event,
        "badge": {"name": name_zh, "name_en": name_en, "icon": icon},
        **fields,
    }


def sample_tasks() -> list[dict[str, Any]]:
    """Seed 000's Children's Day tasks: online and offline, each lighting one badge."""
    return [
        _task(
            "open-card",
            "开立儿童借记卡",
            "Open a child's debit card",
            "account_opened",
            ("开户小达人", "Account opener", "💳"),
            account_type="debit_card",
            points=100,
        ),
        _task(
            "buy-product",
            "购买少儿理财产品",
            "Buy a children's savings product",
            "transaction",
            ("理财小能手", "Young saver", "🐷"),
            transaction_type="wealth",
            min_amount=1000,
        ),
        _task(
            "mobile-banking",
            "开通手机银行",
            "Turn on mobile banking",
            "account_opened",
            ("数字小先锋", "Digital pioneer", "📱"),
            account_type="mobile_banking",
        ),
        _task(
            "check-in",
            "连续签到3天",
            "Check in 3 days in a row",
            "check_in",
            ("坚持小明星", "Steady star", "⭐"),
            count=3,
        ),
        _task(
            "invite",
            "邀请1位好友",
            "Invite a friend",
            "referral",
            ("分享小使者", "Sharing friend", "🤝"),
            count=1,
            points=50,
        ),
    ]


WIDGET = TaskCenter()
