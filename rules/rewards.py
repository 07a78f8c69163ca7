"""Kind-specific checks of a prize's `reward` object."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .limits import MAX_MONEY, MAX_REWARD_INTEGER
from .problems import join_path

# kind -> {field: (type, required)}; types: int (>= 1), number (> 0), text
REWARD_FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "points": {"amount": ("int", True)},
    "coupon_code": {"pool": ("text", True), "valid_days": ("int", False),
                    "message": ("text", False)},
    "red_packet": {"mode": ("text", True), "min": ("number", False), "max": ("number", False),
                   "amount": ("number", False)},
    "webhook": {"sku": ("text", True), "message": ("text", False)},
    "physical": {"note": ("text", False)},
    "none": {},
}

Found = tuple[str, str, str, str]


def _type_ok(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int) and 1 <= value <= MAX_REWARD_INTEGER
    if kind == "number":
        return isinstance(value, int | float) and 0 < value <= MAX_MONEY  # False for nan
    return isinstance(value, str) and bool(value.strip())


_TYPE_TEXT = {"int": (f"a whole number from 1 to {MAX_REWARD_INTEGER:,}",
                      f"1 到 {MAX_REWARD_INTEGER} 之间的整数"),
              "number": (f"a number above 0 and at most {MAX_MONEY:,}",
                         f"大于 0 且不超过 {MAX_MONEY} 的数字"),
              "text": ("non-empty text", "非空文本")}


def check_reward(reward: dict[str, Any], path: str) -> Iterator[Found]:
    """Yield (path, code, message, message_zh) for each problem of one reward."""
    kind = reward.get("kind")
    if kind not in REWARD_FIELDS:
        yield (join_path(path, "kind"), "unknown_reward_kind",
               f"Unknown reward kind '{kind}'; use one of: {', '.join(REWARD_FIELDS)}.",
               f"未知奖励类型“{kind}”。")
        return
    spec = REWARD_FIELDS[kind]
    for key in reward:
        if key != "kind" and key not in spec:
            yield (join_path(path, key), "unknown_field",
                   f"A '{kind}' reward has no field '{key}'.", f"“{kind}”奖励没有字段“{key}”。")
    for key, (ftype, required) in spec.items():
        if key not in reward:
            if required:
                yield (join_path(path, key), "missing_field", f"A '{kind}' reward needs '{key}'.",
                       f"“{kind}”奖励缺少“{key}”。")
        elif not _type_ok(ftype, reward[key]):
            en, zh = _TYPE_TEXT[ftype]
            yield (join_path(path, key), "wrong_type", f"'{key}' must be {en}.",
                   f"“{key}”必须是{zh}。")
    if kind == "red_packet":
        yield from _check_red_packet(reward, path)


def _check_red_packet(reward: dict[str, Any], path: str) -> Iterator[Found]:
    mode = reward.get("mode")
    if mode == "fixed":
        if "amount" not in reward:
            yield (join_path(path, "amount"), "missing_field", "A fixed red packet needs 'amount'.",
                   "固定金额红包需要填写 amount。")
    elif mode == "random":
        lo, hi = reward.get("min"), reward.get("max")
        if lo is None or hi is None:
            yield (join_path(path, "min" if lo is None else "max"), "missing_field",
                   "A random red packet needs 'min' and 'max'.", "随机红包需要填写 min 和 max。")
        elif _type_ok("number", lo) and _type_ok("number", hi) and lo > hi:
            yield (join_path(path, "max"), "range", "'max' must not be below 'min'.",
                   "max 不能小于 min。")
    else:
        yield (join_path(path, "mode"), "unknown_option", "'mode' must be 'random' or 'fixed'.",
               "mode 必须是 random 或 fixed。")
