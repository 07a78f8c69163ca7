"""marshmallow schemas of the participant API (requests and responses)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from rules.catalog import SHARE_CHANNELS


class ErrorItem(Schema):
    path = fields.String(required=True)
    message = fields.String(required=True)
    code = fields.String()


class ProblemSchema(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True)
    request_id = fields.String()
    errors = fields.List(fields.Nested(ErrorItem))
    retry_after = fields.Integer(metadata={"description": "seconds to wait (429)"})
    limit = fields.String(
        metadata={
            "description": "the limit that was reached (429; limit_reached: per_person or per_day)"
        }
    )
    left = fields.Integer(metadata={"description": "limit_reached: parts I may still take"})
    balance = fields.Integer(metadata={"description": "insufficient_points: my points"})
    price = fields.Integer(metadata={"description": "insufficient_points: the points needed"})


class RewardPublic(Schema):
    kind = fields.String(required=True)
    amount = fields.Float(
        allow_none=True, metadata={"description": "points: points; fixed red_packet: money"}
    )
    min = fields.Float(allow_none=True, metadata={"description": "random red_packet: lowest"})
    max = fields.Float(allow_none=True, metadata={"description": "random red_packet: highest"})
    currency = fields.String(metadata={"description": "red_packet: ISO currency, e.g. CNY"})


class PrizePublic(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    image = fields.String(allow_none=True)
    reward_kind = fields.String(required=True)
    reward = fields.Nested(
        RewardPublic,
        metadata={"description": "The reward by kind and unit (100 points, ¥1.88, a coupon)"},
    )
    fallback = fields.Boolean(
        required=True, metadata={"description": "The consolation prize (a prize, not a loss)"}
    )


class CampaignPublic(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    description = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    widget = fields.Dict(required=True)
    schedule = fields.Dict(required=True)
    chance_kinds = fields.List(fields.Dict(), required=True)
    prizes = fields.List(fields.Nested(PrizePublic), required=True)
    vote_counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Live votes per candidate id (vote widgets; empty otherwise)"},
    )


class SlugPath(Schema):
    slug = fields.String(required=True, validate=validate.Length(max=64))


class JoinBody(Schema):
    referral_code = fields.String(validate=validate.Length(min=1, max=16))


class JoinResult(Schema):
    joined = fields.Boolean(required=True)
    new = fields.Boolean(required=True)
    referral_code = fields.String(required=True)
    granted = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    messages = fields.List(fields.String(), required=True)


class DrawBody(Schema):
    chance_kind = fields.String(validate=validate.Length(min=1, max=32))


class RewardRef(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    amount = fields.Float(
        metadata={"description": "red_packet: the amount reserved for this win (currency units)"}
    )


class DrawResult(Schema):
    draw_id = fields.Integer(required=True)
    won = fields.Boolean(
        required=True,
        metadata={
            "description": "True whenever the draw gives a prize, a consolation prize included; "
            "false only when nothing at all could be given (prize null)"
        },
    )
    consolation = fields.Boolean(
        required=True,
        metadata={
            "description": "True when the prize is the campaign's consolation prize (its "
            "fallback): show it as a prize, not as a loss"
        },
    )
    prize = fields.Nested(PrizePublic, allow_none=True, required=True)
    reward = fields.Nested(RewardRef, allow_none=True, required=True)
    chances_left = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    messages = fields.List(fields.String())
    replayed = fields.Boolean()


class ShareBody(Schema):
    share_channel = fields.String(required=True, validate=validate.OneOf(SHARE_CHANNELS))


class ActivityResult(Schema):
    counted = fields.Boolean(required=True)
    granted = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    points = fields.Integer(required=True)
    messages = fields.List(fields.String(), required=True)
    streak = fields.Integer()
    count = fields.Integer()


class ReferralBody(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=16))


class ReferralResult(Schema):
    accepted = fields.Boolean(required=True)
    inviter_rewarded = fields.Boolean(required=True)


class VoteBody(Schema):
    candidate = fields.String(required=True, validate=validate.Length(min=1, max=64))


class LeadBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    phone = fields.String(required=True, validate=validate.Regexp(r"^\+?[0-9 -]{6,20}$"))
    product = fields.String(validate=validate.Length(max=64))
    note = fields.String(validate=validate.Length(max=500))
    consent_contact = fields.Boolean(required=True)
    consent_marketing = fields.Boolean(load_default=False)


class LeadResult(Schema):
    lead_id = fields.Integer(required=True)
    messages = fields.List(fields.String(), required=True)


class MeState(Schema):
    joined = fields.Boolean(required=True)
    chances = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    draws = fields.Integer(required=True)
    draws_today = fields.Integer(required=True)
    wins = fields.Integer(
        required=True, metadata={"description": "Prizes won that are not the consolation prize"}
    )
    points = fields.Integer(
        required=True,
        metadata={
            "description": "My balance in the campaign's points scope: its own points, or the "
            "bank-wide ones when its mall spends those (mall.points_from: bank)"
        },
    )
    points_pending = fields.Integer(
        required=True,
        metadata={"description": "Points the campaign awarded that are not credited yet"},
    )
    streak = fields.Integer(required=True)
    checkins = fields.Integer(required=True)
    referral_code = fields.String(allow_none=True, required=True)
    share_link = fields.String(allow_none=True, required=True)
    recent_draws = fields.List(
        fields.Dict(),
        required=True,
        metadata={
            "description": "Last 10 draws: {id, prize_key, won, consolation, at}; `won` and "
            "`consolation` as the draw answered them"
        },
    )
    referrals = fields.Integer(
        required=True, metadata={"description": "Invitees who joined with my code"}
    )
    checkin_days = fields.List(
        fields.String(), required=True, metadata={"description": "This month's check-in days"}
    )
    checked_in_today = fields.Boolean(required=True)
    votes_today = fields.Integer(
        required=True, metadata={"description": "Votes I cast today (what the daily limit counts)"}
    )
    voted_today = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Candidate ids I cannot vote for again now: voted today, or ever "
            "when a candidate takes one vote per person (vote_period once)"
        },
    )


class RewardItem(Schema):
    id = fields.Integer(required=True)
    campaign = fields.String(required=True)
    prize_key = fields.String(allow_none=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    refunded = fields.Boolean(
        metadata={"description": "A mall exchange part whose points went back (cancelled)"}
    )
    payload = fields.Dict(required=True)
    result = fields.Dict(allow_none=True)
    created_at = fields.String(required=True)
    issued_at = fields.String(allow_none=True)


class RewardList(Schema):
    rewards = fields.List(fields.Nested(RewardItem), required=True)


class NearbyQuery(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    limit = fields.Integer(load_default=5, validate=validate.Range(1, 50))


class BranchItem(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    distance_km = fields.Float(required=True)


class BranchList(Schema):
    branches = fields.List(fields.Nested(BranchItem), required=True)


class EventBody(Schema):
    event_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    type = fields.String(required=True, validate=validate.OneOf(("transaction", "account_opened")))
    participant = fields.String(required=True, validate=validate.Length(min=1, max=128))
    campaign = fields.String(validate=validate.Length(min=1, max=64))
    data = fields.Dict(load_default=dict)


class EventResult(Schema):
    accepted = fields.Boolean(required=True)
    duplicate = fields.Boolean(required=True)
    campaigns = fields.List(fields.Dict(), required=True)
