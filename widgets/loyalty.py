"""What a participant may see of a campaign's mall rights and tasks: names, prices, limits,
validity, arrival message, what each task asks and awards. Never a code pool, a partner SKU
or a cost. The mall and task-centre pages (Widget.page_data) and the participant API
(runtime.loyalty.views) both describe them with these functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules.catalog import option_label
from rules.loyalty import TASK_EVENTS

from .display import image_url
from .rewards import bundle_currency, public_reward

ITEM_FIELDS = (
    "key",
    "name",
    "name_en",
    "description",
    "image",
    "price",
    "stock",
    "per_person_limit",
    "per_day_limit",
    "valid_days",
    "message",
    "max_quantity",
    "unit",
)


def public_mall_items(bundle: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each mall right as the participant sees it (rewards by kind and unit only)."""
    currency = bundle_currency(bundle)
    items = []
    for item in (bundle.get("mall") or {}).get("items") or []:
        shown = {k: item.get(k) for k in ITEM_FIELDS}
        shown["image"] = image_url(item.get("image"))  # http(s) or relative, or none at all
        # the reward's own validity and arrival message are what arrives (the exchange's
        # payload lets them override the right's), so the page says those
        for name in ("valid_days", "message"):
            if (item.get("reward") or {}).get(name) is not None:
                shown[name] = item["reward"][name]
        shown["max_quantity"] = item.get("max_quantity") or 1
        shown["reward"] = public_reward(item["reward"], currency) if item.get("reward") else None
        shown["choices"] = [
            {
                "key": c["key"],
                "name": c["name"],
                "name_en": c.get("name_en"),
                "reward": public_reward(c["reward"], currency),
            }
            for c in item.get("choices") or []
        ]
        items.append(shown)
    return items


def task_requirement(task: Mapping[str, Any], lang: str) -> str:
    """One line saying what completes the task ("开立借记卡", "连续签到 7 天")."""
    event = TASK_EVENTS[task["event"]]
    zh = lang == "zh"
    parts = [event.label_zh if zh else event.label_en]
    for field in ("account_type", "transaction_type"):
        if task.get(field):
            parts.append(option_label(field, task[field], lang))
    if task.get("min_amount") is not None:
        amount = f"{task['min_amount']:g}"
        parts.append(f"≥ {amount}元" if zh else f"≥ {amount} CNY")
    if event.count_zh and (task.get("count") or 1) > 1:
        parts.append(
            f"{task['count']} {'天' if event.key == 'check_in' else '人'}"
            if zh
            else f"× {task['count']}"
        )
    if task.get("candidate"):
        parts.append(str(task["candidate"]))
    return " · ".join(parts)


def public_tasks(bundle: Mapping[str, Any], lang: str = "zh") -> list[dict[str, Any]]:
    """Each task with what completes it and what it awards (badge, points)."""
    out = []
    for task in bundle.get("tasks") or []:
        event = TASK_EVENTS[task["event"]]
        target = (task.get("count") or 1) if event.count_zh else None
        out.append(
            {
                "key": task["key"],
                "name": task["name"],
                "name_en": task.get("name_en"),
                "description": task.get("description"),
                "event": task["event"],
                "requirement": task_requirement(task, lang),
                "target": target,
                "badge": dict(task["badge"]) if task.get("badge") else None,
                "points": task.get("points"),
            }
        )
    return out


def page_tasks(bundle: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`public_tasks` for a page, which picks its language when it renders."""
    english = {t["key"]: t["requirement"] for t in public_tasks(bundle, "en")}
    return [{**t, "requirement_en": english[t["key"]]} for t in public_tasks(bundle, "zh")]
