"""marshmallow 4 schemas for the structure and field types of a campaign bundle."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from . import limits as lim
from . import schema_bounds as sb
from .loyalty_schema import TASKS_BOUND, MallSchema, TaskSchema
from .problems import Problem, join_path
from .schema_fields import (
    _HHMM,
    _ID,
    _KIND,
    FORMAT,
    MESSAGES,
    SLUG_RE,
    WEEKDAYS,
    Base,
    StrictBool,
    StrictDict,
    StrictInt,
    StrictNumber,
    StrictStr,
    _at_least_one,
    _datetime,
    _day,
    _list,
    _nested,
    _nonempty,
    _nonneg,
    _opt,
    _positive,
    _regex,
    _timezone,
)


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
