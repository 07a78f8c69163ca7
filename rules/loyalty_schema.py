"""marshmallow schemas of a bundle's loyalty parts: `tasks` (each awarding a badge and/or
points once) and `mall` (rights participants buy with points). Structure and field types only;
`rules.loyalty` checks what depends on other fields (an event's own fields, references)."""

from __future__ import annotations

from marshmallow import validate

from .schema import (
    _ID,
    Base,
    StrictInt,
    StrictStr,
    _at_least_one,
    _list,
    _nested,
    _nonempty,
    _opt,
    _positive,
)
from .schema import (
    StrictDict as _StrictDict,
)
from .schema import (
    StrictNumber as _StrictNumber,
)

# What completes a task: the trigger it listens to (rules.loyalty.TASK_EVENTS says how).
TASK_EVENT_KEYS = ("account_opened", "transaction", "check_in", "referral", "vote")
POINTS_SOURCES = ("campaign", "bank")


class BadgeSchema(Base):
    name = StrictStr(required=True, validate=_nonempty)
    name_en = _opt(StrictStr())
    icon = _opt(StrictStr(validate=validate.Length(max=8)))


class TaskSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=_nonempty)
    name_en = _opt(StrictStr())
    description = _opt(StrictStr())
    event = StrictStr(required=True, validate=validate.OneOf(TASK_EVENT_KEYS))
    account_type = _opt(StrictStr())
    transaction_type = _opt(StrictStr())
    min_amount = _opt(_StrictNumber(validate=_positive))
    count = _opt(StrictInt(validate=_at_least_one))
    candidate = _opt(StrictStr(validate=_nonempty))
    badge = _opt(_nested(BadgeSchema))
    points = _opt(StrictInt(validate=_at_least_one))
    points_valid_days = _opt(StrictInt(validate=_at_least_one))


class MallChoiceSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=_nonempty)
    name_en = _opt(StrictStr())
    reward = _StrictDict(required=True)


class MallItemSchema(Base):
    key = StrictStr(required=True, validate=_ID)
    name = StrictStr(required=True, validate=_nonempty)
    name_en = _opt(StrictStr())
    description = _opt(StrictStr())
    image = _opt(StrictStr())
    price = StrictInt(required=True, validate=_at_least_one)
    stock = _opt(StrictInt(validate=validate.Range(min=0)))
    per_person_limit = _opt(StrictInt(validate=_at_least_one))
    per_day_limit = _opt(StrictInt(validate=_at_least_one))
    valid_days = _opt(StrictInt(validate=_at_least_one))
    message = _opt(StrictStr())
    max_quantity = StrictInt(load_default=1, validate=validate.Range(min=1, max=100))
    unit = _opt(StrictStr(validate=validate.Length(max=16)))
    reward = _opt(_StrictDict())
    choices = _opt(_list(_nested(MallChoiceSchema), validate=_nonempty))


class MallSchema(Base):
    points_from = StrictStr(load_default="campaign", validate=validate.OneOf(POINTS_SOURCES))
    items = _list(_nested(MallItemSchema), load_default=list)
