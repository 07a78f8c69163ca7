"""The actions a rule may take, with their typed parameters and the triggers they apply to
(re-exported by rules.catalog, which the rest of the code imports them from)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .vocabulary import ALL_TRIGGERS

# Parameter types: integer (>= 1 unless noted), number (> 0), text, prize, prizes, chance_kind.
PARAM_FIELD_TYPES = {
    "integer": "numeric",
    "number": "numeric",
    "text": "text",
    "prize": "select",
    "prizes": "select_multiple",
    "chance_kind": "select",
}
# The Python type a runtime action handler receives for each parameter type.
PARAM_VALUE_TYPES: dict[str, type] = {
    "integer": int,
    "number": float,
    "text": str,
    "prize": str,
    "prizes": list,
    "chance_kind": str,
}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    label_zh: str
    label_en: str
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class Action:
    """One action the runtime knows how to apply."""

    name: str
    label_zh: str
    label_en: str
    params: tuple[Param, ...]
    triggers: frozenset[str] = ALL_TRIGGERS
    param_map: dict[str, Param] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "param_map", {p.name: p for p in self.params})

    def typed(self, params: dict[str, Any]) -> dict[str, Any]:
        """Validated `params` as a handler takes them: every parameter present (defaults
        filled) and cast to its type's Python type, so no handler re-parses its input."""
        values = {}
        for p in self.params:
            value = params.get(p.name, p.default)
            values[p.name] = None if value is None else PARAM_VALUE_TYPES[p.type](value)
        return values

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "triggers": sorted(self.triggers),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "label_zh": p.label_zh,
                    "label_en": p.label_en,
                    "required": p.required,
                    "default": p.default,
                }
                for p in self.params
            ],
        }


_REQUEST_TRIGGERS = ALL_TRIGGERS - {"transaction", "account_opened", "referral", "badge"}

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "grant_chances",
            "赠送机会",
            "Grant chances",
            (
                Param("kind", "chance_kind", "机会类型", "Chance kind"),
                Param("count", "integer", "数量", "Count"),
            ),
        ),
        Action(
            "deny",
            "拒绝并提示",
            "Refuse with a message",
            (Param("message", "text", "提示语", "Message"),),
            _REQUEST_TRIGGERS,
        ),
        Action(
            "award_points",
            "奖励积分",
            "Award points",
            (
                Param("amount", "integer", "积分", "Points"),
                Param("note", "text", "备注", "Note", required=False, default=""),
            ),
        ),
        Action(
            "boost_odds",
            "提升中奖概率",
            "Boost odds",
            (
                Param("prizes", "prizes", "奖品", "Prizes"),
                Param("factor", "number", "倍数", "Factor"),
                Param("minutes", "integer", "持续分钟", "Minutes"),
            ),
        ),
        Action(
            "guarantee_win",
            "下次必中",
            "Guarantee the next draw wins",
            (Param("prize", "prize", "奖品", "Prize"),),
        ),
        Action(
            "issue_prize",
            "直接发放奖品",
            "Issue a prize",
            (Param("prize", "prize", "奖品", "Prize"),),
        ),
        Action(
            "tag_participant",
            "打标签",
            "Tag the participant",
            (Param("tag", "text", "标签", "Tag"),),
        ),
        Action(
            "send_message", "发送消息", "Send a message", (Param("text", "text", "内容", "Text"),)
        ),
    )
}


# Labels of the options variables offer, so screens show words instead of option keys.
