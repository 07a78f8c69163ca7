"""Reward kinds, defined once: key, labels, and the fields each kind's `reward` object takes.

Everything else that lists reward kinds (the ledger CHECK, the bundle JSON Schema, issuers'
settings, the studio's labels and prize form) derives from `REWARD_KINDS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .limits import MAX_MONEY, MAX_REWARD_INTEGER
from .problems import join_path

# Field type -> the JSON Schema of a valid value (the checks in `_type_ok` below, as data).
FIELD_JSON_SCHEMA: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 1, "maximum": MAX_REWARD_INTEGER},
    "number": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_MONEY},
    "text": {"type": "string", "pattern": "\\S"},
}


@dataclass(frozen=True)
class RewardField:
    """One field of a reward object. Types: int (>= 1), number (> 0), text (non-empty).
    `required_when` = (other field, value): required when that field has that value."""

    name: str
    type: str
    label_zh: str
    label_en: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help_zh: str = ""
    help_en: str = ""
    required_when: tuple[str, str] | None = None

    def json_schema(self) -> dict[str, Any]:
        if self.choices:
            return {"enum": list(self.choices)}
        return dict(FIELD_JSON_SCHEMA[self.type])

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "required": self.required,
            "required_when": list(self.required_when) if self.required_when else None,
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

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def config_schema(self) -> dict[str, Any]:
        """JSON Schema of this kind's reward config (without `kind`): what its issuer reads.
        Cross-field checks JSON Schema cannot say (red packet min <= max) stay in
        `check_reward`."""
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: f.json_schema() for f in self.fields},
        }
        required = [f.name for f in self.fields if f.required]
        if required:
            schema["required"] = required
        conditional = [
            {
                "if": {"properties": {other: {"const": value}}, "required": [other]},
                "then": {"required": [f.name]},
            }
            for f in self.fields
            if f.required_when
            for other, value in [f.required_when]
        ]
        if conditional:
            schema["allOf"] = conditional
        return schema

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema of a prize's `reward` object of this kind (unknown fields refused)."""
        schema = self.config_schema()
        schema["properties"] = {"kind": {"const": self.key}, **schema["properties"]}
        schema["required"] = ["kind", *schema.get("required", [])]
        schema["additionalProperties"] = False
        return schema

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
            (
                RewardField("amount", "int", "积分数量", "Points", required=True),
                RewardField(
                    "valid_days",
                    "int",
                    "有效天数",
                    "Valid for (days)",
                    help_zh="不填则积分长期有效",
                    help_en="Leave empty for points that never expire",
                ),
                RewardField("note", "text", "积分备注", "Points note"),
            ),
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
                RewardField(
                    "min",
                    "number",
                    "最小金额(元)",
                    "Smallest amount (CNY)",
                    required_when=("mode", "random"),
                ),
                RewardField(
                    "max",
                    "number",
                    "最大金额(元)",
                    "Largest amount (CNY)",
                    required_when=("mode", "random"),
                ),
                RewardField(
                    "amount",
                    "number",
                    "固定金额(元)",
                    "Fixed amount (CNY)",
                    required_when=("mode", "fixed"),
                ),
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
        RewardKind("none", "无需发放", "No fulfilment", (_MESSAGE,)),
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
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return whole and 1 <= value <= MAX_REWARD_INTEGER
    if kind == "number":
        return isinstance(value, int | float) and 0 < value <= MAX_MONEY  # False for nan
    return isinstance(value, str) and bool(value.strip())


_TYPE_TEXT = {
    "int": (
        f"a whole number from 1 to {MAX_REWARD_INTEGER:,}",
        f"1 到 {MAX_REWARD_INTEGER} 之间的整数",
    ),
    "number": (
        f"a number above 0 and at most {MAX_MONEY:,}",
        f"大于 0 且不超过 {MAX_MONEY} 的数字",
    ),
    "text": ("non-empty text", "非空文本"),
}


def check_reward(reward: dict[str, Any], path: str) -> Iterator[Found]:
    """Yield (path, code, message, message_zh) for each problem of one prize's reward."""
    kind = reward.get("kind")
    if not isinstance(kind, str) or kind not in REWARD_KINDS:
        yield (
            join_path(path, "kind"),
            "unknown_reward_kind",
            f"Unknown reward kind '{kind}'; use one of: {', '.join(REWARD_KINDS)}.",
            f"未知奖励类型“{kind}”。",
        )
        return
    for key in reward:
        if key != "kind" and key not in REWARD_FIELDS[kind]:
            yield (
                join_path(path, key),
                "unknown_field",
                f"A '{kind}' reward has no field '{key}'.",
                f"“{kind}”奖励没有字段“{key}”。",
            )
    yield from check_config(kind, reward, path)


def check_config(kind: str, config: dict[str, Any], path: str) -> Iterator[Found]:
    """Problems of the fields `kind` defines in `config` (other keys are not looked at: an
    issued reward's payload also carries the prize's key and name)."""
    spec = REWARD_KINDS[kind]
    for field in spec.fields:
        fpath = join_path(path, field.name)
        if field.name not in config:
            other, value = field.required_when or ("", None)
            if field.required or (other and config.get(other) == value):
                when = f" when '{other}' is '{value}'" if other and not field.required else ""
                yield (
                    fpath,
                    "missing_field",
                    f"A '{kind}' reward needs '{field.name}'{when}.",
                    f"“{kind}”奖励缺少“{field.name}”。",
                )
        elif field.choices:
            if config[field.name] not in field.choices:
                yield (
                    fpath,
                    "unknown_option",
                    f"'{field.name}' must be one of: {', '.join(field.choices)}.",
                    f"“{field.name}”必须是 {'、'.join(field.choices)} 之一。",
                )
        elif not _type_ok(field.type, config[field.name]):
            en, zh = _TYPE_TEXT[field.type]
            yield (
                fpath,
                "wrong_type",
                f"'{field.name}' must be {en}.",
                f"“{field.name}”必须是{zh}。",
            )
    if kind == "red_packet":
        yield from _check_red_packet(config, path)


def _check_red_packet(reward: dict[str, Any], path: str) -> Iterator[Found]:
    """What JSON Schema cannot say: a random red packet's range must not be upside down."""
    lo, hi = reward.get("min"), reward.get("max")
    if reward.get("mode") == "random" and _type_ok("number", lo) and _type_ok("number", hi):
        if lo > hi:
            yield (
                join_path(path, "max"),
                "range",
                "'max' must not be below 'min'.",
                "max 不能小于 min。",
            )


def normalise_reward(reward: dict[str, Any]) -> dict[str, Any]:
    """A valid reward with whole-number fields as int (JSON may spell 3 as 3.0)."""
    spec = REWARD_KINDS[reward["kind"]]
    ints = {f.name for f in spec.fields if f.type == "int"}
    return {k: int(v) if k in ints else v for k, v in reward.items()}
