"""What changed between two bundles, field by field, for approvers and the audit log.

A change is a path with its old and new value. Paths name list items by their key, not their
position (`prizes[gold].weight`, `rules[bonus-day].conditions`, `schedule.windows[crazy_hour]`),
so a reordered list does not read as every item changed. Some parts are compared whole, because
a person reads them whole: a rule's conditions and actions, the audience's conditions and
whitelist, a time window, the odds boosts. A new or removed list item is one change with the
whole item on one side. The studio turns changes into sentences (builder.changes), using the
glossary of each bundle (`glossary`) for the campaign's own names.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

# lists of objects compared item by item, by this key
KEYED = {
    "prizes": "key",
    "rules": "id",
    "chances.kinds": "key",
    "schedule.windows": "id",
    "tasks": "key",
    "mall.items": "key",
    "mall.items[*].choices": "key",
}
# lists whose order matters to the participant (rules run in order)
ORDERED = {"rules"}
# parts compared as a whole value (after list keys are replaced by "*")
WHOLE = {
    "audience.conditions",
    "audience.whitelist",
    "schedule.windows[*]",
    "rules[*].conditions",
    "rules[*].actions",
    "odds.boosts",
    "prizes[*].chance_kinds",
    "tasks[*].badge",
}
_KEY = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Change:
    """One changed field: `kind` is added, removed, changed or reordered; `section` is the
    bundle's top-level part the path lies in."""

    path: str
    kind: str
    section: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keyed(items: Any, key: str) -> dict[str, dict] | None:
    """`items` by their key, or None when it is not a list of objects with unique keys."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    keys = [i.get(key) for i in items]
    if not all(isinstance(k, str) for k in keys) or len(set(keys)) != len(keys):
        return None
    return dict(zip(keys, items, strict=True))


def _kind(before: Any, after: Any) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "changed"


def _walk(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if old == new:
        return
    section = re.split(r"[.\[]", path, maxsplit=1)[0]
    generic = _KEY.sub("[*]", path)
    key = KEYED.get(generic)
    if key is not None and generic not in WHOLE:
        before, after = _keyed(old or [], key), _keyed(new or [], key)
        if before is not None and after is not None:
            for item_key, item in after.items():
                _walk(before.get(item_key), item, f"{path}[{item_key}]", out)
            for item_key, item in before.items():
                if item_key not in after:
                    _walk(item, None, f"{path}[{item_key}]", out)
            common_old = [k for k in before if k in after]
            common_new = [k for k in after if k in before]
            if generic in ORDERED and common_old != common_new:
                out.append(Change(path, "reordered", section, common_old, common_new))
            return
    if isinstance(old, dict) and isinstance(new, dict) and generic not in WHOLE:
        for field in list(new) + [k for k in old if k not in new]:
            _walk(old.get(field), new.get(field), _join(path, field), out)
        return
    out.append(Change(path, _kind(old, new), section, old, new))


def diff_bundles(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """Every changed field from `old` to `new`, in the order of `new`'s parts."""
    changes: list[Change] = []
    _walk(old or {}, new or {}, "", changes)
    return changes


def changed_fields(changes: list[Change]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changes as two mappings path -> value (before, after): what the audit log keeps."""
    before = {c.path: c.before for c in changes}
    after = {c.path: c.after for c in changes}
    return before, after


def _share(prize: dict[str, Any], total: float) -> float | None:
    try:
        return round(100 * float(prize.get("weight") or 0) / total, 4) if total else None
    except (TypeError, ValueError):
        return None


def glossary(bundle: dict[str, Any] | None) -> dict[str, Any]:
    """What a reader needs to put a bundle's keys into words: the names of its chance kinds,
    prizes (with their share of the weights) and windows, where each rule stands and what
    triggers it, and the widget type (for its settings' labels). JSON, for the audit log."""
    bundle = bundle if isinstance(bundle, dict) else {}

    def items(value: Any) -> list[dict]:
        return [i for i in value or [] if isinstance(i, dict)] if isinstance(value, list) else []

    prizes = items(bundle.get("prizes"))
    try:
        total = sum(float(p.get("weight") or 0) for p in prizes)
    except (TypeError, ValueError):
        total = 0.0
    chances = bundle.get("chances") if isinstance(bundle.get("chances"), dict) else {}
    schedule = bundle.get("schedule") if isinstance(bundle.get("schedule"), dict) else {}
    widget = bundle.get("widget") if isinstance(bundle.get("widget"), dict) else {}
    config = widget.get("config") if isinstance(widget.get("config"), dict) else {}
    mall = bundle.get("mall") if isinstance(bundle.get("mall"), dict) else {}
    limits = bundle.get("limits") if isinstance(bundle.get("limits"), dict) else {}
    budget = limits.get("budget") if isinstance(limits.get("budget"), dict) else {}
    return {
        "widget": widget.get("type"),
        "kinds": {
            str(k.get("key")): {"name": k.get("name"), "name_en": k.get("name_en")}
            for k in items(chances.get("kinds"))
        },
        "prizes": {
            str(p.get("key")): {
                "name": p.get("name"),
                "name_en": p.get("name_en"),
                "share": _share(p, total),
                "reward": _reward_kind(p),
            }
            for p in prizes
        },
        "windows": {
            str(w.get("id")): {"name": w.get("name")} for w in items(schedule.get("windows"))
        },
        "rules": {
            str(r.get("id")): {
                "position": i + 1,
                "trigger": r.get("trigger"),
                "description": r.get("description"),
            }
            for i, r in enumerate(items(bundle.get("rules")))
        },
        "tasks": {str(t.get("key")): _task_names(t) for t in items(bundle.get("tasks"))},
        "mall": {
            str(i.get("key")): {
                **_names(i),
                "reward": _reward_kind(i),
                "choices": {
                    str(c.get("key")): {**_names(c), "reward": _reward_kind(c)}
                    for c in items(i.get("choices"))
                },
            }
            for i in items(mall.get("items"))
        },
        "currency": budget.get("currency"),
        "candidates": {
            str(c.get("id")): c.get("name") for c in items(config.get("candidates")) if "id" in c
        },
    }


def _names(item: dict[str, Any]) -> dict[str, Any]:
    return {"name": item.get("name"), "name_en": item.get("name_en")}


def _reward_kind(item: dict[str, Any]) -> Any:
    reward = item.get("reward")
    return reward.get("kind") if isinstance(reward, dict) else None


def _task_names(task: dict[str, Any]) -> dict[str, Any]:
    badge = task.get("badge") if isinstance(task.get("badge"), dict) else {}
    return {**_names(task), "badge": badge.get("name"), "badge_en": badge.get("name_en")}
