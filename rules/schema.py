"""marshmallow 4 schemas for the structure and field types of a campaign bundle."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from . import limits as lim
from . import schema_bounds as sb
from .problems import Problem, join_path
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


class WeeklySchema(Base):
    days = _list(StrictStr(validate=validate.OneOf(WEEKDAYS)), required=True, validate=_nonempty)
    start = StrictStr(required=True, validate=_HHMM)
    end = StrictStr(required=True, validate=_HHMM)


class MonthlySchema(Base):
    days = _list(StrictInt(validate=_day), required=True, validate=_nonempty)
    start = StrictStr(load_default="00:00", validate=_HHMM)
    end = StrictStr(load_default="24:00", validate=_HHMM)


class DatesSchema(Base):
    from_ = StrictStr(required=True, data_key="from", attribute="from", validate=_datetime)
    to = StrictStr(required=True, validate=_datetime)


class WindowSchema(Base):
    id = StrictStr(required=True, validate=_ID)
    name = StrictStr(load_default="", validate=sb.name())
    weekly = _opt(_nested(WeeklySchema))
    monthly = _opt(_nested(MonthlySchema))
    dates = _opt(_nested(DatesSchema))

    @validates_schema
    def one_shape(self, data: dict, **kwargs: Any) -> None:
        if sum(data.get(k) is not None for k in ("weekly", "monthly", "dates")) != 1:
            raise ValidationError("Give exactly one of weekly, monthly or dates.", "_window")


class ScheduleSchema(Base):
    timezone = StrictStr(load_default="Asia/Shanghai", validate=_timezone)
    starts_at = StrictStr(required=True, validate=_datetime)
    ends_at = StrictStr(required=True, validate=_datetime)
    windows = _list(
        _nested(WindowSchema), load_default=list, validate=sb.max_items(lim.MAX_WINDOWS)
    )


class ListRefSchema(Base):
    """A whitelist or tag segment of the studio's audience library, by name; `version` pins
    one upload (null: the latest, pinned when the draft is saved; docs/bundle.md)."""

    name = StrictStr(required=True, validate=[_nonempty, validate.Length(max=100)])
    version = _opt(StrictInt(validate=_at_least_one))


class AudienceSchema(Base):
    conditions = _opt(fields.Raw())
    whitelist_ref = _nested(ListRefSchema, allow_none=True)
    segment_ref = _nested(ListRefSchema, allow_none=True)
    whitelist = _opt(
        _list(
            StrictStr(validate=[_nonempty, *sb.name(lim.MAX_PARTICIPANT_ID_LENGTH)]),
            validate=sb.max_items(lim.MAX_WHITELIST),
        )
    )
    whitelist_channel = _opt(StrictStr(validate=[_nonempty, *sb.name()]))
    message = StrictStr(
        load_default="很抱歉,您暂不符合本活动的参与条件",
        validate=sb.max_length(lim.MAX_MESSAGE_LENGTH),
    )


class ChanceKindSchema(Base):
    key = StrictStr(required=True, validate=_KIND)
    name = StrictStr(required=True, validate=sb.name())
    name_en = _opt(StrictStr(validate=sb.name()))
    initial = StrictInt(load_default=0, validate=sb.count(_nonneg, lim.MAX_CHANCES))
    daily = StrictInt(load_default=0, validate=sb.count(_nonneg, lim.MAX_CHANCES))


class ChancesSchema(Base):
    kinds = _list(
        _nested(ChanceKindSchema), load_default=list, validate=sb.max_items(lim.MAX_CHANCE_KINDS)
    )
    default_kind = _opt(StrictStr(validate=sb.name()))


class PrizeSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=sb.name())
    name_en = _opt(StrictStr(validate=sb.name()))
    description = _opt(StrictStr())
    image = _opt(StrictStr())
    weight = StrictNumber(required=True, validate=sb.count(_nonneg, lim.MAX_WEIGHT))
    stock = _opt(StrictInt(validate=sb.count(_nonneg, lim.MAX_STOCK)))
    daily_release = _opt(StrictInt(validate=sb.count(_at_least_one, lim.MAX_STOCK)))
    per_person_limit = _opt(StrictInt(validate=sb.count(_at_least_one, lim.MAX_STOCK)))
    fallback = StrictBool(load_default=False)
    chance_kinds = _opt(
        _list(StrictStr(), validate=[_nonempty, sb.max_items(lim.MAX_CHANCE_KINDS)])
    )
    value = StrictNumber(load_default=0.0, validate=sb.count(_nonneg, lim.MAX_MONEY))
    reward = StrictDict(required=True)
    right = StrictStr(validate=_ID, allow_none=True)  # the rights library item it came from


class BoostSchema(Base):
    window = StrictStr(required=True)
    prizes = _list(StrictStr(), required=True, validate=[_nonempty, sb.max_items(lim.MAX_PRIZES)])
    factor = StrictNumber(required=True, validate=sb.count(_positive, lim.MAX_BOOST_FACTOR))


class OddsSchema(Base):
    exhausted = StrictStr(load_default="remove", validate=validate.OneOf(("remove", "fallback")))
    guaranteed_first = StrictInt(load_default=0, validate=sb.count(_nonneg, lim.MAX_STOCK))
    boosts = _list(_nested(BoostSchema), load_default=list, validate=sb.max_items(lim.MAX_BOOSTS))


def _per_person() -> StrictInt:
    return _opt(StrictInt(validate=sb.count(_at_least_one, lim.MAX_STOCK)))


class PerPersonSchema(Base):
    draws_per_day = _per_person()
    draws_total = _per_person()
    wins_per_day = _per_person()
    wins_total = _per_person()


class BudgetSchema(Base):
    amount = StrictNumber(required=True, validate=sb.count(_nonneg, lim.MAX_BUDGET))
    currency = StrictStr(load_default="CNY", validate=sb.name(lim.MAX_CURRENCY_LENGTH))


class LimitsSchema(Base):
    per_person = _nested(PerPersonSchema, load_default=lambda: PerPersonSchema().load({}))
    branch_quotas = fields.Dict(
        keys=StrictStr(validate=sb.name(lim.MAX_CODE_LENGTH)),
        values=StrictInt(validate=sb.count(_nonneg, lim.MAX_STOCK)),
        load_default=dict,
        error_messages={"invalid": "Must be an object."},
    )
    budget = _opt(_nested(BudgetSchema))
    shares_rewarded_per_day = _opt(StrictInt(validate=sb.count(_nonneg, lim.MAX_STOCK)))


class ActionSchema(Base):
    name = StrictStr(required=True, validate=sb.name())
    params = StrictDict(load_default=dict)


class RuleSchema(Base):
    id = StrictStr(required=True, validate=_ID)
    trigger = StrictStr(required=True, validate=sb.name())
    description = _opt(StrictStr())
    conditions = _opt(fields.Raw())
    actions = _list(
        _nested(ActionSchema),
        required=True,
        validate=[_nonempty, sb.max_items(lim.MAX_ACTIONS_PER_RULE)],
    )


class WidgetSchema(Base):
    type = StrictStr(required=True, validate=_ID)
    config = StrictDict(load_default=dict)


# The loyalty parts' schemas build on the helpers above (imported here, once they exist).
from .loyalty_schema import TASKS_BOUND, MallSchema, TaskSchema  # noqa: E402


class BundleSchema(Base):
    format = StrictStr(
        required=True, validate=validate.Equal(FORMAT, error='Must be "campaign-bundle/1".')
    )
    slug = StrictStr(
        required=True, validate=_regex(SLUG_RE, "Must be 3-64 lowercase letters, digits or '-'.")
    )
    name = StrictStr(required=True, validate=[_nonempty, *sb.name()])
    name_en = _opt(StrictStr(validate=sb.name()))
    branch = StrictStr(required=True, validate=[_nonempty, *sb.name(lim.MAX_CODE_LENGTH)])
    description = StrictStr(load_default="", validate=sb.max_length(lim.MAX_TEXT_LENGTH))
    widget = _nested(WidgetSchema, required=True)
    schedule = _nested(ScheduleSchema, required=True)
    audience = _nested(AudienceSchema)
    chances = _nested(ChancesSchema)
    prizes = _list(_nested(PrizeSchema), load_default=list, validate=sb.max_items(lim.MAX_PRIZES))
    odds = _nested(OddsSchema)
    limits = _nested(LimitsSchema)
    rules = _list(_nested(RuleSchema), load_default=list, validate=sb.max_items(lim.MAX_RULES))
    tasks = _list(_nested(TaskSchema), load_default=list, validate=TASKS_BOUND)
    mall = _opt(_nested(MallSchema))


_SECTIONS = ("audience", "chances", "odds", "limits")


def load_structure(data: Any) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check structure and field types; return (normalised bundle or None, problems)."""
    if not isinstance(data, dict):
        return None, [_problem("", "Must be an object.")]
    data = {**{s: {} for s in _SECTIONS}, **data}
    try:
        return BundleSchema().load(data), []
    except ValidationError as err:
        return None, list(_flatten(err.messages, ""))


def _problem(path: str, message: str) -> Problem:
    code, zh = sb.describe(message) or MESSAGES.get(message, ("invalid", message))
    return Problem(path=path, message=message, code=f"schema.{code}", message_zh=zh)


def _flatten(messages: Any, path: str) -> Any:
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("_schema", "_window") or (
                key == "value" and path.startswith("limits.branch_quotas.")
            ):
                yield from _flatten(value, path)
            else:
                yield from _flatten(value, join_path(path, key))
    elif isinstance(messages, list):
        for m in messages:
            yield from _flatten(m, path) if not isinstance(m, str) else [_problem(path, m)]
    else:
        yield _problem(path, str(messages))
