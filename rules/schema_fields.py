"""The building blocks of the bundle's marshmallow schemas: strict field types, validators,
key patterns and the English -> (code, Chinese) table of every message they can raise
(rules.schema and rules.loyalty_schema build the bundle's schemas from them)."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields

from . import limits as lim
from .timezones import time_zones

FORMAT = "campaign-bundle/1"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ID_RE = rf"^[a-z0-9][a-z0-9_-]{{0,{lim.MAX_KEY_LENGTH - 1}}}$"
KIND_RE = rf"^[a-z0-9][a-z0-9_-]{{0,{lim.MAX_CHANCE_KIND_LENGTH - 1}}}$"
SLUG_RE = r"^[a-z0-9][a-z0-9-]{2,63}$"
HHMM_RE = r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"
# ISO 8601 as bundles write it: a date, optionally a time and an offset. The pattern is also
# the JSON Schema's; only fromisoformat knows that 2026-02-30 does not exist.
DATETIME_RE = (
    r"^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?$"
)

# English message -> (code, Chinese message) for everything the schemas can say.
MESSAGES: dict[str, tuple[str, str]] = {
    "Missing data for required field.": ("required", "缺少必填项。"),
    "Unknown field.": ("unknown_field", "无法识别的字段(可能拼写有误)。"),
    "Field may not be null.": ("required", "此项不能为空。"),
    "Must be a whole number.": ("type", "必须是整数。"),
    "Must be a number.": ("type", "必须是数字。"),
    "Must be true or false.": ("type", "必须是“是”或“否”。"),
    "Must be text.": ("type", "必须是文本。"),
    "Must be a list.": ("type", "必须是列表。"),
    "Must be an object.": ("type", "必须是对象。"),
    "Invalid input type.": ("type", "类型不正确。"),
    "Not a valid list.": ("type", "必须是列表。"),
    "Not a valid mapping type.": ("type", "必须是对象。"),
    "Must not be negative.": ("range", "不能为负数。"),
    "Must be at least 1.": ("range", "至少为 1。"),
    "Must be greater than 0.": ("range", "必须大于 0。"),
    "Must be a day of the month from 1 to 31.": ("range", "日期必须在 1 到 31 之间。"),
    "Must be a time like 20:00 (00:00 to 24:00).": (
        "format",
        "时间格式应为 20:00(00:00 至 24:00)。",
    ),
    "Must be a date and time like 2026-11-01T00:00:00.": (
        "format",
        "日期时间格式应为 2026-11-01T00:00:00。",
    ),
    "Unknown time zone.": ("format", "无法识别的时区。"),
    "Must use lowercase letters, digits, '-' or '_'.": (
        "format",
        "只能使用小写字母、数字、- 或 _。",
    ),
    "Must be 3-64 lowercase letters, digits or '-'.": (
        "format",
        "须为 3-64 位小写字母、数字或 -。",
    ),
    "Must not be empty.": ("required", "不能为空。"),
    "Give exactly one of weekly, monthly or dates.": (
        "window_shape",
        "每个时段只能设置 weekly、monthly、dates 其中之一。",
    ),
    'Must be "campaign-bundle/1".': ("format", 'format 必须为 "campaign-bundle/1"。'),
    "Must be a finite number.": ("not_finite", "必须是有限的数字。"),
}


class StrictInt(fields.Field):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ValidationError("Must be a whole number.")
        return value


class StrictNumber(fields.Field):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Must be a number.")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("Must be a finite number.")
        return value


class StrictBool(fields.Field):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


class StrictStr(fields.Field):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("Must be text.")
        return value


class StrictDict(fields.Field):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict:
        if not isinstance(value, dict):
            raise ValidationError("Must be an object.")
        return value


def _nonneg(v: float) -> None:
    if v < 0:
        raise ValidationError("Must not be negative.")


def _at_least_one(v: int) -> None:
    if v < 1:
        raise ValidationError("Must be at least 1.")


def _positive(v: float) -> None:
    if v <= 0:
        raise ValidationError("Must be greater than 0.")


def _regex(pattern: str, message: str) -> Any:
    compiled = re.compile(pattern)

    def check(v: str) -> None:
        if not compiled.match(v):
            raise ValidationError(message)

    check.pattern = pattern  # type: ignore[attr-defined]  # for the JSON Schema generator
    return check


_DATETIME = re.compile(DATETIME_RE)


def _datetime(v: str) -> None:
    try:
        if not _DATETIME.match(v):
            raise ValueError(v)
        datetime.fromisoformat(v)
    except ValueError:
        raise ValidationError("Must be a date and time like 2026-11-01T00:00:00.") from None


def _timezone(v: str) -> None:
    if v not in time_zones():
        raise ValidationError("Unknown time zone.")


def _nonempty(v: Any) -> None:
    if not v:
        raise ValidationError("Must not be empty.")


def _day(v: int) -> None:
    if not 1 <= v <= 31:
        raise ValidationError("Must be a day of the month from 1 to 31.")


_ID = _regex(ID_RE, "Must use lowercase letters, digits, '-' or '_'.")
_KIND = _regex(
    KIND_RE, f"Must be 1-{lim.MAX_CHANCE_KIND_LENGTH} lowercase letters, digits, '-' or '_'."
)
MESSAGES[f"Must be 1-{lim.MAX_CHANCE_KIND_LENGTH} lowercase letters, digits, '-' or '_'."] = (
    "format",
    f"须为 1-{lim.MAX_CHANCE_KIND_LENGTH} 位小写字母、数字、- 或 _。",
)
_HHMM = _regex(HHMM_RE, "Must be a time like 20:00 (00:00 to 24:00).")


def _list(inner: fields.Field, **kw: Any) -> fields.List:
    return fields.List(inner, error_messages={"invalid": "Must be a list."}, **kw)


def _nested(schema: type[Schema], **kw: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages={"type": "Must be an object."}, **kw)


def _opt(field: fields.Field) -> fields.Field:
    field.allow_none = True
    field.load_default = None
    field.required = False
    return field


class Base(Schema):
    class Meta:
        unknown = RAISE
