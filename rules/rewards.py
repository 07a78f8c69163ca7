"""Reward kinds, defined once: key, labels, and the fields each kind's `reward` object takes.

Everything else that lists reward kinds (the ledger CHECK, the bundle JSON Schema, issuers'
settings, the studio's labels and prize form) derives from `REWARD_KINDS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .problems import join_path


@dataclass(frozen=True)
class RewardField:
    """One field of a reward object. Types: int (>= 1), number (> 0), text (non-empty)."""

    name: str
    type: str
    label_zh: str
    label_en: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help_zh: str = ""
    help_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "required": self.required,
            "choices": list(self.choices),
            "help_zh": self.help_zh,
            "help_en": self.help_en,
        }


@dataclass(frozen=True)
class RewardKind:
    key: str
    label_zh: str
    label_en: str
    fields: tuple[RewardField, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "fields": [f.to_dict() for f in self.fields],
        }


_MESSAGE = RewardField(
    "message",
    "text",
    "到账提示",
    "Arrival message",
    help_zh="奖励到账时参与者看到的话",
    help_en="What the participant reads when the reward arrives",
)

REWARD_KINDS: dict[str, RewardKind] = {
    k.key: k
    for k in (
        RewardKind(
            "points",
            "积分",
            "Points",
            (RewardField("amount", "int", "积分数量", "Points", required=True),),
        ),
        RewardKind(
            "coupon_code",
            "券码",
            "Coupon code",
            (
                RewardField(
                    "pool",
                    "text",
                    "券码池",
                    "Code pool",
                    required=True,
                    help_zh="上传券码时使用的券码池代码",
                    help_en="The code pool the codes were uploaded to",
                ),
                RewardField("valid_days", "int", "有效天数", "Valid for (days)"),
                _MESSAGE,
            ),
        ),
        RewardKind(
            "red_packet",
            "红包",
            "Red packet",
            (
                RewardField(
                    "mode", "text", "金额方式", "Amount", required=True, choices=("random", "fixed")
                ),
                RewardField("min", "number", "最小金额(元)", "Smallest amount (CNY)"),
                RewardField("max", "number", "最大金额(元)", "Largest amount (CNY)"),
                RewardField("amount", "number", "固定金额(元)", "Fixed amount (CNY)"),
            ),
        ),
        RewardKind(
            "webhook",
            "合作方发放",
            "Partner fulfilment",
            (RewardField("sku", "text", "合作方商品编码", "Partner SKU", required=True), _MESSAGE),
        ),
        RewardKind(
            "physical",
            "实物寄送",
            "Physical gift",
            (RewardField("note", "text", "发货说明", "Delivery note"),),
        ),
        RewardKind("none", "无需发放", "No fulfilment"),
    )
}
REWARD_KIND_KEYS: tuple[str, ...] = tuple(REWARD_KINDS)
CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "random": ("随机金额", "Random amount"),
    "fixed": ("固定金额", "Fixed amount"),
}

# kind -> {field: (type, required)}, derived for the checks below
REWARD_FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    kind.key: {f.name: (f.type, f.required) for f in kind.fields} for kind in REWARD_KINDS.values()
}

Found = tuple[str, str, str, str]


def _type_ok(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int) and value >= 1
    if kind == "number":
        return isinstance(value, int | float) and value > 0
    return isinstance(value, str) and bool(value.strip())


_TYPE_TEXT = {
    "int": ("a whole number of at least 1", "不小于 1 的整数"),
    "number": ("a number above 0", "大于 0 的数字"),
    "text": ("non-empty text", "非空文本"),
}


def check_reward(reward: dict[str, Any], path: str) -> Iterator[Found]:
    """Yield (path, code, message, message_zh) for each problem of one reward."""
    kind = reward.get("kind")
    if kind not in REWARD_FIELDS:
        yield (
            join_path(path, "kind"),
            "unknown_reward_kind",
            f"Unknown reward kind '{kind}'; use one of: {', '.join(REWARD_FIELDS)}.",
            f"未知奖励类型“{kind}”。",
        )
        return
    spec = REWARD_FIELDS[kind]
    for key in reward:
        if key != "kind" and key not in spec:
            yield (
                join_path(path, key),
                "unknown_field",
                f"A '{kind}' reward has no field '{key}'.",
                f"“{kind}”奖励没有字段“{key}”。",
            )
    for key, (ftype, required) in spec.items():
        if key not in reward:
            if required:
                yield (
                    join_path(path, key),
                    "missing_field",
                    f"A '{kind}' reward needs '{key}'.",
                    f"“{kind}”奖励缺少“{key}”。",
                )
        elif not _type_ok(ftype, reward[key]):
            en, zh = _TYPE_TEXT[ftype]
            yield (
                join_path(path, key),
                "wrong_type",
                f"'{key}' must be {en}.",
                f"“{key}”必须是{zh}。",
            )
    if kind == "red_packet":
        yield from _check_red_packet(reward, path)


def _check_red_packet(reward: dict[str, Any], path: str) -> Iterator[Found]:
    mode = reward.get("mode")
    if mode == "fixed":
        if "amount" not in reward:
            yield (
                join_path(path, "amount"),
                "missing_field",
                "A fixed red packet needs 'amount'.",
                "固定金额红包需要填写 amount。",
            )
    elif mode == "random":
        lo, hi = reward.get("min"), reward.get("max")
        if lo is None or hi is None:
            yield (
                join_path(path, "min" if lo is None else "max"),
                "missing_field",
                "A random red packet needs 'min' and 'max'.",
                "随机红包需要填写 min 和 max。",
            )
        elif _type_ok("number", lo) and _type_ok("number", hi) and lo > hi:
            yield (
                join_path(path, "max"),
                "range",
                "'max' must not be below 'min'.",
                "max 不能小于 min。",
            )
    else:
        yield (
            join_path(path, "mode"),
            "unknown_option",
            "'mode' must be 'random' or 'fixed'.",
            "mode 必须是 random 或 fixed。",
        )
