"""Report rollups and the marketing calendar.

Rollups are counts derived from the ledgers (draws, rewards, memberships, shares, check-ins,
votes, leads, events) by incremental jobs (runtime.rollups); the ledgers stay the source of
truth and every rollup can be rebuilt from them. Reports read only these tables. Traffic
(page views, visitors, invitation-link clicks) has no ledger: it is counted in Redis by the
participant page and flushed here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow

Count = BigInteger().with_variant(Integer(), "sqlite")


def _count() -> Mapped[int]:
    return mapped_column(Count, default=0, server_default="0")


class Measures:
    """The additive counts every rollup row carries (one bucket of one campaign).

    joins: memberships · drawers: participants' first draws (people who drew) · draws ·
    wins: draws that gave a real prize · consolations: draws that gave the consolation prize ·
    winners: participants' first wins · rewards: reward rows created · paid_cents: red packet
    amounts reserved · shares · check_ins · votes · leads · events: server events."""

    joins: Mapped[int] = _count()
    drawers: Mapped[int] = _count()
    draws: Mapped[int] = _count()
    wins: Mapped[int] = _count()
    consolations: Mapped[int] = _count()
    winners: Mapped[int] = _count()
    rewards: Mapped[int] = _count()
    paid_cents: Mapped[int] = _count()
    shares: Mapped[int] = _count()
    check_ins: Mapped[int] = _count()
    votes: Mapped[int] = _count()
    leads: Mapped[int] = _count()
    events: Mapped[int] = _count()


MEASURES: tuple[str, ...] = tuple(Measures.__annotations__)


class CampaignFK:
    @declared_attr
    def campaign_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))


class RollupHour(CampaignFK, Measures, Base):
    """Counts per campaign x branch x hour (the UTC start of the hour)."""

    __tablename__ = "rollup_hours"
    __table_args__ = (UniqueConstraint("campaign_id", "branch_code", "hour"),)

    id: Mapped[int] = mapped_column(Count, primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(32), default="")
    hour: Mapped[datetime] = mapped_column(UTCDateTime())


class RollupCampaignHour(CampaignFK, Measures, Base):
    """Counts per campaign x hour, all branches together (the hourly curve of a report)."""

    __tablename__ = "rollup_campaign_hours"
    __table_args__ = (UniqueConstraint("campaign_id", "hour"),)

    id: Mapped[int] = mapped_column(Count, primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime())


class RollupDay(CampaignFK, Measures, Base):
    """Counts per campaign x branch x local day (the campaign's time zone)."""

    __tablename__ = "rollup_days"
    __table_args__ = (
        UniqueConstraint("campaign_id", "branch_code", "day"),
        Index("ix_rollup_days_day", "day", "branch_code"),
    )

    id: Mapped[int] = mapped_column(Count, primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(32), default="")
    day: Mapped[str] = mapped_column(String(10))


BREAKDOWN_DIMENSIONS = (
    "prize",
    "reward",
    "share_channel",
    "share_age",
    "candidate",
    "event",
    "join_channel",
)


class RollupBreakdown(CampaignFK, Base):
    """Counts per campaign x local day by one item of a dimension: draws by prize, rewards
    (and amounts paid) by prize, shares by channel and by days since the sharer joined,
    votes by candidate, server events by type, participants by the channel (the bank's app,
    a WeChat account...) they came through. (Per branch, rollup_days has the measures.)"""

    __tablename__ = "rollup_breakdowns"
    __table_args__ = (
        UniqueConstraint("campaign_id", "dimension", "day", "item"),
        CheckConstraint(f"dimension IN {BREAKDOWN_DIMENSIONS!r}", name="dimension"),
    )

    id: Mapped[int] = mapped_column(Count, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(10))
    item: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = _count()
    amount: Mapped[int] = _count()


TRAFFIC_GRAINS = ("hour", "day", "all")


class TrafficRollup(CampaignFK, Base):
    """Page views, unique visitors (HyperLogLog estimate) and invitation-link clicks of a
    campaign's participant page, per UTC hour (bucket `YYYY-MM-DDTHH`), per local day
    (`YYYY-MM-DD`) and for the whole campaign (bucket ""). Visitors do not add up across
    buckets, hence the three grains. Values are overwritten by each flush (idempotent)."""

    __tablename__ = "traffic_rollups"
    __table_args__ = (
        UniqueConstraint("campaign_id", "grain", "bucket"),
        CheckConstraint(f"grain IN {TRAFFIC_GRAINS!r}", name="grain"),
    )

    id: Mapped[int] = mapped_column(Count, primary_key=True)
    grain: Mapped[str] = mapped_column(String(8))
    bucket: Mapped[str] = mapped_column(String(13))
    views: Mapped[int] = _count()
    visitors: Mapped[int] = _count()
    clicks: Mapped[int] = _count()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


REWARD_STATE_KEYS = ("pending", "issuing", "failed", "cancelled", "redeemed")


class RewardState(CampaignFK, Base):
    """How many of a campaign's rolled-up rewards are still open, failed, cancelled or
    redeemed, per branch and local day the reward was created; issued = rewards created -
    pending - issuing - failed - cancelled. Replaced as a whole by each refresh (the statuses
    change in place on the outbox rows)."""

    __tablename__ = "reward_states"
    __table_args__ = (
        UniqueConstraint("campaign_id", "branch_code", "day", "status"),
        CheckConstraint(f"status IN {REWARD_STATE_KEYS!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(Count, primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(32), default="")
    day: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    rewards: Mapped[int] = _count()


class RollupCursor(Base):
    """How far one ledger has been rolled up: every row with id <= last_id is counted except
    the ids in `gaps` ([first, last, first seen ISO time] ranges not visible when their
    successors were counted: on PostgreSQL a transaction may commit after a later id).
    `version` changes with every move, so two jobs never count the same rows twice."""

    __tablename__ = "rollup_cursors"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(Count, default=0)
    gaps: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CampaignInsight(Base):
    """Figures that need a whole campaign's invitation graph (accepted invitations, viral
    coefficient, tree depth, top inviters) or Redis click counters, refreshed by a job."""

    __tablename__ = "campaign_insights"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    referrals: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


CALENDAR_KINDS = ("campaign", "content", "topic", "festival")
CALENDAR_STATUSES = ("planned", "confirmed", "cancelled")


class CalendarEntry(Base):
    """A planned node of the marketing calendar (seed 004: the year's campaigns, monthly
    content, quarterly topics, festivals), owned by a branch; linked to its campaign once
    the campaign exists."""

    __tablename__ = "calendar_entries"
    __table_args__ = (
        CheckConstraint(f"kind IN {CALENDAR_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {CALENDAR_STATUSES!r}", name="status"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        Index("ix_calendar_entries_starts_on", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branches.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="campaign")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
