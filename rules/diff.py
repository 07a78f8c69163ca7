"""A readable semantic diff between two bundles, for approvers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

_PRIZE_KINDS = {"weight": "weight_changed", "stock": "stock_changed",
                "daily_release": "stock_changed"}
_SECTION_KINDS = {"schedule": "schedule_changed", "audience": "audience_changed",
                  "odds": "odds_changed", "limits": "limits_changed",
                  "chances": "chances_changed", "widget": "widget_changed"}
_SECTION_ZH = {"schedule": "活动时间", "audience": "参与对象", "odds": "中奖规则",
               "limits": "限制", "chances": "机会", "widget": "组件"}


@dataclass(frozen=True)
class Change:
    """One semantic change: kind like rule_added or weight_changed, with a one-line summary."""

    path: str
    kind: str
    before: Any
    after: Any
    summary_en: str
    summary_zh: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _keyed(items: Any, key: str) -> dict[str, tuple[int, dict]]:
    if not isinstance(items, list):
        return {}
    return {item[key]: (i, item) for i, item in enumerate(items)
            if isinstance(item, dict) and isinstance(item.get(key), str)}


def _leaves(value: Any, path: str) -> dict[str, Any]:
    """Flatten nested dicts to {dotted.path: value}; lists of objects with an id/key are keyed by
    it (windows[crazy_hour].weekly.start); other lists stay whole."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        ident = next((k for k in ("id", "key", "window") if all(k in v for v in value)), None)
        ids = [str(v[ident]) for v in value] if ident else []
        if ident and len(set(ids)) == len(ids):
            out: dict[str, Any] = {}
            for item_id, item in zip(ids, value, strict=True):
                out.update(_leaves(item, f"{path}[{item_id}]"))
            return out
    if isinstance(value, dict) and value:
        out = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{path}.{k}" if path else str(k)))
        return out
    return {path: value}


def _diff_prizes(old: Any, new: Any) -> list[Change]:
    changes = []
    before, after = _keyed(old, "key"), _keyed(new, "key")
    for key, (i, prize) in after.items():
        if key not in before:
            changes.append(Change(f"prizes[{i}]", "prize_added", None, prize,
                                  f"Prize '{key}' added (weight {prize.get('weight')}, "
                                  f"stock {prize.get('stock')}).",
                                  f"新增奖品“{prize.get('name', key)}”。"))
            continue
        _, old_prize = before[key]
        old_leaves, new_leaves = _leaves(old_prize, ""), _leaves(prize, "")
        for field in sorted(set(old_leaves) | set(new_leaves)):
            a, b = old_leaves.get(field), new_leaves.get(field)
            if a == b:
                continue
            kind = _PRIZE_KINDS.get(field, "prize_changed")
            changes.append(Change(f"prizes[{i}].{field}", kind, a, b,
                                  f"Prize '{key}': {field} {_short(a)} -> {_short(b)}.",
                                  f"奖品“{prize.get('name', key)}”的 {field} 由 {_short(a)} 改为 "
                                  f"{_short(b)}。"))
    for key, (i, prize) in before.items():
        if key not in after:
            changes.append(Change(f"prizes[{i}]", "prize_removed", prize, None,
                                  f"Prize '{key}' removed.",
                                  f"删除奖品“{prize.get('name', key)}”。"))
    return changes


def _diff_rules(old: Any, new: Any) -> list[Change]:
    changes = []
    before, after = _keyed(old, "id"), _keyed(new, "id")
    for rid, (i, rule) in after.items():
        if rid not in before:
            changes.append(Change(f"rules[{i}]", "rule_added", None, rule,
                                  f"Rule '{rid}' added (on {rule.get('trigger')}).",
                                  f"新增规则“{rid}”(触发:{rule.get('trigger')})。"))
        elif before[rid][1] != rule:
            old_rule = before[rid][1]
            parts = [k for k in ("trigger", "conditions", "actions", "description")
                     if old_rule.get(k) != rule.get(k)]
            changes.append(Change(f"rules[{i}]", "rule_changed", old_rule, rule,
                                  f"Rule '{rid}' changed: {', '.join(parts)}.",
                                  f"规则“{rid}”已修改:{'、'.join(parts)}。"))
    order_old = [r for r in before if r in after]
    order_new = [r for r in after if r in before]
    if order_old != order_new:
        changes.append(Change("rules", "rules_reordered", order_old, order_new,
                              "Rules were reordered (actions are returned in rule order).",
                              "规则顺序已调整(动作按规则顺序执行)。"))
    for rid, (i, rule) in before.items():
        if rid not in after:
            changes.append(Change(f"rules[{i}]", "rule_removed", rule, None,
                                  f"Rule '{rid}' removed.", f"删除规则“{rid}”。"))
    return changes


def diff_bundles(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Semantic changes from `old` to `new`: prizes by key, rules by id, other fields by path."""
    changes: list[Change] = []
    for field in ("format", "slug", "name", "name_en", "branch", "description"):
        if old.get(field) != new.get(field):
            changes.append(Change(field, "field_changed", old.get(field), new.get(field),
                                  f"{field}: {_short(old.get(field))} -> {_short(new.get(field))}.",
                                  f"{field} 由 {_short(old.get(field))} 改为 "
                                  f"{_short(new.get(field))}。"))
    for section, kind in _SECTION_KINDS.items():
        a, b = _leaves(old.get(section), section), _leaves(new.get(section), section)
        for path in sorted(set(a) | set(b)):
            if a.get(path) != b.get(path):
                changes.append(Change(path, kind, a.get(path), b.get(path),
                                      f"{path}: {_short(a.get(path))} -> {_short(b.get(path))}.",
                                      f"{_SECTION_ZH[section]}:{path} 由 {_short(a.get(path))} "
                                      f"改为 {_short(b.get(path))}。"))
    changes += _diff_prizes(old.get("prizes"), new.get("prizes"))
    changes += _diff_rules(old.get("rules"), new.get("rules"))
    return changes
