"""marshmallow schemas of the participant API's loyalty endpoints: the mall, exchanges and
their history, and the task centre."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from runtime.api.schemas import RewardPublic


class ExchangeBody(Schema):
    item = fields.String(required=True, validate=validate.Length(min=1, max=64))
    choice = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Selectable rights: the key of the option chosen"},
    )
    quantity = fields.Integer(
        load_default=1,
        validate=validate.Range(1, 100),
        metadata={"description": "Splittable rights: parts taken (up to the right's max)"},
    )


class ExchangePartView(Schema):
    part = fields.Integer(required=True)
    reward_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(allow_none=True)
    status = fields.String(
        required=True,
        metadata={"description": "issuing, issued, refunded, or failed (refund on its way)"},
    )
    result = fields.Dict(
        allow_none=True, metadata={"description": "Redemption details once issued (a code...)"}
    )
    issued_at = fields.String(allow_none=True)
    points = fields.Integer(required=True)
    refunded_at = fields.String(allow_none=True)


class ExchangeView(Schema):
    exchange_id = fields.Integer(required=True)
    item = fields.String(required=True)
    choice = fields.String(allow_none=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    points = fields.Integer(required=True)
    refunded_points = fields.Integer(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "issuing, issued, refunded, partly_refunded or failed"},
    )
    created_at = fields.String(required=True)
    parts = fields.List(fields.Nested(ExchangePartView), required=True)
    balance = fields.Integer(metadata={"description": "Points left after this exchange"})
    replayed = fields.Boolean()


class ExchangeList(Schema):
    exchanges = fields.List(fields.Nested(ExchangeView), required=True)


class ChoiceView(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    reward = fields.Nested(RewardPublic, required=True)


class MineView(Schema):
    total = fields.Integer(required=True)
    today = fields.Integer(required=True)
    can_take = fields.Integer(
        allow_none=True, metadata={"description": "Parts I may still take (null: no limit)"}
    )


class MallItemView(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    image = fields.String(allow_none=True)
    price = fields.Integer(required=True, metadata={"description": "Points per part"})
    stock = fields.Integer(allow_none=True, metadata={"description": "null: unlimited"})
    stock_left = fields.Integer(allow_none=True)
    per_person_limit = fields.Integer(allow_none=True)
    per_day_limit = fields.Integer(allow_none=True)
    valid_days = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True, metadata={"description": "Arrival message"})
    max_quantity = fields.Integer(required=True)
    unit = fields.String(allow_none=True)
    reward = fields.Nested(RewardPublic, allow_none=True, required=True)
    choices = fields.List(fields.Nested(ChoiceView), required=True)
    mine = fields.Nested(MineView, required=True)


class MallState(Schema):
    joined = fields.Boolean(required=True)
    points_from = fields.String(required=True, metadata={"description": "campaign or bank"})
    balance = fields.Integer(required=True, metadata={"description": "Points I can spend now"})
    items = fields.List(fields.Nested(MallItemView), required=True)


class BadgeView(Schema):
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    icon = fields.String(allow_none=True)


class ProgressView(Schema):
    current = fields.Integer(required=True)
    target = fields.Integer(required=True)


class TaskView(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    event = fields.String(required=True)
    requirement = fields.String(required=True)
    target = fields.Integer(allow_none=True)
    badge = fields.Nested(BadgeView, allow_none=True, required=True)
    points = fields.Integer(allow_none=True)
    done = fields.Boolean(required=True)
    done_at = fields.String(allow_none=True)
    badge_held = fields.Boolean(required=True)
    progress = fields.Nested(ProgressView, allow_none=True, required=True)


class BadgeSummary(Schema):
    held = fields.List(fields.String(), required=True)
    count = fields.Integer(required=True)
    total = fields.Integer(required=True)


class TaskState(Schema):
    joined = fields.Boolean(required=True)
    tasks = fields.List(fields.Nested(TaskView), required=True)
    badges = fields.Nested(BadgeSummary, required=True)
