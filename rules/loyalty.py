"""Tasks, badges and the points mall: what they mean, checked and compiled in one place.

A task listens to one trigger (`TASK_EVENTS`) and is done the first time its condition holds
for a participant: it then awards its badge (whose key is the task's key) and/or its points,
once. Its condition is an ordinary business-rules condition derived from the task's fields, so
a task means exactly what the equivalent rule would. A badge earned runs the `badge` trigger's
rules with `badges` / `badges_count` including it (rules decide what collecting them unlocks).

The mall lists rights bought with points: a price, stock, per-person and per-day limits,
validity and arrival message, and either one reward or a set of choices (selectable rights);
`max_quantity` > 1 lets a participant take a splittable right in parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import catalog
from .conditions import Pred, compile_conditions
from .problems import join_path
from .rewards import check_reward

MALL_REFUSED_KINDS = frozenset({"points"})  # points bought with points: nothing to sell


@dataclass(frozen=True)
class TaskEvent:
    """What completes a task of this kind: its trigger, the task fields it takes, and what
    `count` means for it (None: the kind takes no count)."""

    key: str
    trigger: str
    label_zh: str
    label_en: str
    fields: tuple[str, ...]
    count_zh: str | None = None
    count_en: str | None = None


TASK_EVENTS: dict[str, TaskEvent] = {
    e.key: e
    for e in (
        TaskEvent(
            "account_opened", "account_opened", "开立账户", "Open an account", ("account_type",)
        ),
        TaskEvent(
            "transaction",
            "transaction",
            "完成交易",
            "Make a transaction",
            ("transaction_type", "min_amount"),
        ),
        TaskEvent(
            "check_in",
            "check_in",
            "连续签到",
            "Check-in streak",
            ("count",),
            "连续签到天数",
            "Days in a row",
        ),
        TaskEvent(
            "referral",
            "referral",
            "邀请好友",
            "Invite friends",
            ("count",),
            "成功邀请人数",
            "Friends who joined",
        ),
        TaskEvent("vote", "vote", "参与投票", "Vote", ("candidate",)),
    )
}
EVENT_FIELDS = ("account_type", "transaction_type", "min_amount", "count", "candidate")
_OPTIONS = {"account_type": catalog.ACCOUNT_TYPES, "transaction_type": catalog.TRANSACTION_TYPES}


def _leaf(name: str, operator: str, value: Any) -> dict[str, Any]:
    return {"name": name, "operator": operator, "value": value}


def task_conditions(task: Mapping[str, Any]) -> dict[str, Any] | None:
    """The business-rules condition that completes `task` on its trigger (None: any event)."""
    leaves = []
    event = task["event"]
    if event == "account_opened" and task.get("account_type"):
        leaves.append(_leaf("account_type", "contains", task["account_type"]))
    elif event == "transaction":
        if task.get("transaction_type"):
            leaves.append(_leaf("transaction_type", "contains", task["transaction_type"]))
        if task.get("min_amount") is not None:
            leaves.append(
                _leaf("transaction_amount", "greater_than_or_equal_to", task["min_amount"])
            )
    elif event == "check_in":
        leaves.append(_leaf("checkin_streak", "greater_than_or_equal_to", task.get("count") or 1))
    elif event == "referral":
        leaves.append(_leaf("referrals_total", "greater_than_or_equal_to", task.get("count") or 1))
    elif event == "vote" and task.get("candidate"):
        leaves.append(_leaf("vote_candidate", "equal_to", task["candidate"]))
    return {"all": leaves} if leaves else None


def badge_keys(bundle: Mapping[str, Any]) -> list[str]:
    """Keys of the badges a bundle can award (a badge's key is its task's key), in order."""
    tasks = bundle.get("tasks")
    return [
        t["key"]
        for t in (tasks if isinstance(tasks, list) else [])
        if isinstance(t, dict)
        and isinstance(t.get("badge"), dict)
        and isinstance(t.get("key"), str)
    ]


@dataclass(frozen=True)
class CompiledTask:
    key: str
    trigger: str
    predicate: Pred | None
    badge: bool
    points: int | None
    points_valid_days: int | None


class TaskBook:
    """A validated bundle's tasks by trigger, with their compiled conditions."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        by_trigger: dict[str, list[CompiledTask]] = {}
        self.by_key: dict[str, CompiledTask] = {}
        for task in bundle.get("tasks") or []:
            cond = task_conditions(task)
            compiled = CompiledTask(
                task["key"],
                TASK_EVENTS[task["event"]].trigger,
                compile_conditions(cond) if cond is not None else None,
                task.get("badge") is not None,
                task.get("points"),
                task.get("points_valid_days"),
            )
            by_trigger.setdefault(compiled.trigger, []).append(compiled)
            self.by_key[compiled.key] = compiled
        self.by_trigger = {k: tuple(v) for k, v in by_trigger.items()}

    def triggers(self) -> frozenset[str]:
        return frozenset(self.by_trigger)

    def met(self, trigger: str, variables: Mapping[str, Any]) -> list[CompiledTask]:
        """Tasks of `trigger` whose condition holds for `variables` (done or not)."""
        return [
            t
            for t in self.by_trigger.get(trigger, ())
            if t.predicate is None or t.predicate(variables)
        ]


# --- validation -------------------------------------------------------------------------


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [
        (i, v)
        for i, v in enumerate(value if isinstance(value, list) else [])
        if isinstance(v, dict)
    ]


def check_loyalty(data: dict[str, Any], ctx: Any) -> None:
    """Problems of `tasks` and `mall` the schema cannot see (ctx: validate_rules.Ctx)."""
    _check_tasks(data, ctx)
    mall = data.get("mall")
    if isinstance(mall, dict):
        _check_mall(mall, ctx)


def _unique(items: list[tuple[int, dict]], base: str, ctx: Any, en: str, zh: str) -> None:
    seen: set[str] = set()
    for i, item in items:
        key = item.get("key")
        if not isinstance(key, str):
            continue  # reported by the schema
        if key in seen:
            ctx.add(
                join_path(join_path(base, i), "key"),
                f"duplicate_{en.replace(' ', '_')}",
                f"Another {en} already uses '{key}'.",
                f"{zh}编号“{key}”重复。",
            )
        seen.add(key)


def _check_tasks(data: dict[str, Any], ctx: Any) -> None:
    tasks = _dicts(data.get("tasks"))
    _unique(tasks, "tasks", ctx, "task", "任务")
    for i, task in tasks:
        path = join_path("tasks", i)
        kind = task.get("event")
        event = TASK_EVENTS.get(kind) if isinstance(kind, str) else None
        if event is None:
            continue  # reported by the schema
        for name in EVENT_FIELDS:
            if task.get(name) is not None and name not in event.fields:
                ctx.add(
                    join_path(path, name),
                    "task_field",
                    f"A task of kind '{event.key}' has no '{name}'.",
                    f"“{event.label_zh}”类任务没有此项。",
                )
        for name, options in _OPTIONS.items():
            value = task.get(name)
            if isinstance(value, str) and value not in options:
                ctx.add(
                    join_path(path, name),
                    "unknown_option",
                    f"'{value}' is not an option of '{name}'; use one of: {', '.join(options)}.",
                    f"“{value}”不是可选项。",
                )
        if task.get("badge") is None and task.get("points") is None:
            ctx.add(
                join_path(path, "points"),
                "task_awards_nothing",
                "A task must award a badge, points, or both.",
                "任务至少要颁发勋章或奖励积分。",
            )
        if task.get("points_valid_days") is not None and task.get("points") is None:
            ctx.add(
                join_path(path, "points_valid_days"),
                "task_field",
                "Points validity needs points to award.",
                "设置积分有效期需先设置积分。",
            )


def _check_reward(reward: Any, path: str, ctx: Any) -> None:
    if not isinstance(reward, dict):
        return
    for p_path, code, en, zh in check_reward(reward, path):
        ctx.add(p_path, code, en, zh)
    kind = reward.get("kind")
    if isinstance(kind, str) and kind in MALL_REFUSED_KINDS:  # a list is unknown_reward_kind
        ctx.add(
            join_path(path, "kind"),
            "mall_reward_kind",
            "A mall right cannot be points (points are what it costs).",
            "积分商城的权益不能是积分。",
        )


def _check_mall(mall: dict[str, Any], ctx: Any) -> None:
    items = _dicts(mall.get("items"))
    _unique(items, "mall.items", ctx, "mall item", "权益")
    for i, item in items:
        path = join_path("mall.items", i)
        choices = _dicts(item.get("choices"))
        has_reward = item.get("reward") is not None
        if has_reward == bool(choices):
            ctx.add(
                join_path(path, "reward"),
                "mall_reward",
                "A right has either one reward or a list of choices, not both or neither.",
                "权益须设置一种奖励或一组可选项(二选一)。",
            )
        _check_reward(item.get("reward"), join_path(path, "reward"), ctx)
        _unique(choices, join_path(path, "choices"), ctx, "choice", "可选项")
        for j, choice in choices:
            _check_reward(
                choice.get("reward"),
                join_path(join_path(join_path(path, "choices"), j), "reward"),
                ctx,
            )
        limit, day = item.get("per_person_limit"), item.get("per_day_limit")
        if isinstance(limit, int) and isinstance(day, int) and day > limit:
            ctx.add(
                join_path(path, "per_day_limit"),
                "range",
                "The daily limit cannot be above the per-person limit.",
                "每日限兑不能大于每人限兑。",
            )
