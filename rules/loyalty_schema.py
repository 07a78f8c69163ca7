"""marshmallow schemas of a bundle's loyalty parts: `tasks` (each awarding a badge and/or
points once) and `mall` (rights participants buy with points). Structure and field types only;
`rules.loyalty` checks what depends on other fields (an event's own fields, references)."""

from __future__ import annotations

from marshmallow import validate

from .limits import (
    MAX_MALL_CHOICES,
    MAX_MALL_ITEMS,
    MAX_PARTS,
    MAX_PRICE,
    MAX_STOCK,
    MAX_TASKS,
    MAX_VALID_DAYS,
)
from .schema_fields import (
    _ID,
    MESSAGES,
    Base,
    StrictInt,
    StrictStr,
    _list,
    _nested,
    _nonempty,
    _opt,
    _positive,
    _regex,
)
from .schema_fields import (
    StrictDict as _StrictDict,
)
from .schema_fields import (
    StrictNumber as _StrictNumber,
)

# What completes a task: the trigger it listens to (rules.loyalty.TASK_EVENTS says how).
TASK_EVENT_KEYS = ("account_opened", "transaction", "check_in", "referral", "vote")
POINTS_SOURCES = ("campaign", "bank")

# A picture's address: http(s) with a host, or a path on the site itself ("/img/a.png"); never
# another scheme (javascript:, data:), a protocol-relative "//host" or a bare "a.png" that
# resolves against whichever page shows it.
_URL_CHAR = r"[^\x00-\x20\x7f\\]"
PICTURE_RE = rf"^(?:https?://[^\x00-\x20\x7f\\/?#]+{_URL_CHAR}*|/(?![/\\]){_URL_CHAR}*)?$"
_PICTURE_MESSAGE = "Must be an http(s) address or a path on this site starting with /."


def _say(en: str, code: str, zh: str) -> str:
    """Register a message (its code and Chinese text) with the schema's problem reporting."""
    MESSAGES.setdefault(en, (code, zh))
    return en


MESSAGES[_PICTURE_MESSAGE] = (
    "picture_url",
    "图片地址须以 http:// 或 https:// 开头,或是本站以 / 开头的路径。",
)


def _length(limit: int) -> validate.Length:
    return validate.Length(
        max=limit, error=_say(f"At most {limit} characters.", "range", f"最多 {limit} 个字符。")
    )


def _items(limit: int) -> validate.Length:
    return validate.Length(
        max=limit, error=_say(f"At most {limit} items.", "range", f"最多 {limit} 项。")
    )


def _between(low: float, high: float) -> validate.Range:
    return validate.Range(
        min=low,
        max=high,
        error=_say(
            f"Must be from {low:g} to {high:g}.", "range", f"须在 {low:g} 到 {high:g} 之间。"
        ),
    )


def _text(limit: int, *more):
    return [_length(limit), *more]


def _count(limit: int):
    return _between(1, limit)


TASKS_BOUND = _items(MAX_TASKS)


class BadgeSchema(Base):
    name = StrictStr(required=True, validate=_text(40, _nonempty))
    name_en = _opt(StrictStr(validate=_text(60)))
    icon = _opt(StrictStr(validate=_length(8)))


class TaskSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=_text(100, _nonempty))
    name_en = _opt(StrictStr(validate=_text(100)))
    description = _opt(StrictStr(validate=_text(500)))
    event = StrictStr(required=True, validate=validate.OneOf(TASK_EVENT_KEYS))
    account_type = _opt(StrictStr(validate=_text(64)))
    transaction_type = _opt(StrictStr(validate=_text(64)))
    min_amount = _opt(_StrictNumber(validate=[_positive, _between(0, 1e12)]))
    count = _opt(StrictInt(validate=_count(10_000)))
    candidate = _opt(StrictStr(validate=_text(64, _nonempty)))
    badge = _opt(_nested(BadgeSchema))
    points = _opt(StrictInt(validate=_count(MAX_PRICE)))
    points_valid_days = _opt(StrictInt(validate=_count(MAX_VALID_DAYS)))


class MallChoiceSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=_text(60, _nonempty))
    name_en = _opt(StrictStr(validate=_text(100)))
    reward = _StrictDict(required=True)


class MallItemSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=_text(100, _nonempty))
    name_en = _opt(StrictStr(validate=_text(100)))
    description = _opt(StrictStr(validate=_text(500)))
    image = _opt(StrictStr(validate=_text(500, _regex(PICTURE_RE, _PICTURE_MESSAGE))))
    price = StrictInt(required=True, validate=_count(MAX_PRICE))
    stock = _opt(StrictInt(validate=_between(0, MAX_STOCK)))
    per_person_limit = _opt(StrictInt(validate=_count(MAX_STOCK)))
    per_day_limit = _opt(StrictInt(validate=_count(MAX_STOCK)))
    valid_days = _opt(StrictInt(validate=_count(MAX_VALID_DAYS)))
    message = _opt(StrictStr(validate=_text(200)))
    max_quantity = StrictInt(load_default=1, validate=_between(1, MAX_PARTS))
    unit = _opt(StrictStr(validate=_length(16)))
    reward = _opt(_StrictDict())
    choices = _opt(_list(_nested(MallChoiceSchema), validate=[_nonempty, _items(MAX_MALL_CHOICES)]))


class MallSchema(Base):
    points_from = StrictStr(load_default="campaign", validate=validate.OneOf(POINTS_SOURCES))
    items = _list(_nested(MallItemSchema), load_default=list, validate=_items(MAX_MALL_ITEMS))
