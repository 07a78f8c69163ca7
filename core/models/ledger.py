"""The participant ledger: participants, memberships, draws, rewards (the outbox) and events.

SQL is the source of truth; Redis only holds the hot counters rebuilt from these rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from rules.rewards import REWARD_KIND_KEYS

REWARD_STATUSES = ("pending", "issuing", "issued", "failed", "cancelled")
# from rules.rewards (one definition); the CHECK below lists them, so a new kind needs a migration
REWARD_KINDS = REWARD_KIND_KEYS

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class Participant(Base):
    """A bank customer as one channel knows them (`sub` of that channel's tokens)."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("channel_id", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="RESTRICT"))
    external_id: Mapped[str] = mapped_column(String(128))
    attrs: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Membership(Base):
    """A participant who joined a campaign, with their invitation code and inviter."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("campaign_id", "participant_id"),
        UniqueConstraint("referral_code"),
        CheckConstraint(
            "referred_by_id IS NULL OR referred_by_id <> participant_id", name="no_self_referral"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="RESTRICT"), index=True
    )
    branch_code: Mapped[str | None] = mapped_column(String(32))
    referral_code: Mapped[str] = mapped_column(String(16))
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="RESTRICT")
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChanceEntry(Base):
    """Append-only ledger of chances granted (+) and spent (-) per kind, so Redis can be rebuilt."""

    __tablename__ = "chance_entries"
    __table_args__ = (
        UniqueConstraint("source_key"),
        Index("ix_chance_entries_campaign_participant", "campaign_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(64))
    source_key: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Draw(Base):
    """One draw and its evidence (version, rules fired, odds table, random value) for replay."""

    __tablename__ = "draws"
    __table_args__ = (
        UniqueConstraint("participant_id", "idempotency_key"),
        Index("ix_draws_campaign_created", "campaign_id", "created_at"),
        Index("ix_draws_campaign_participant", "campaign_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    version_id: Mapped[int] = mapped_column(ForeignKey("campaign_versions.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    chance_kind: Mapped[str] = mapped_column(String(32))
    branch_code: Mapped[str | None] = mapped_column(String(32))
    prize_key: Mapped[str | None] = mapped_column(String(64))
    won: Mapped[bool] = mapped_column(Boolean, default=False)
    random_value: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reward(Base):
    """The outbox: one row per thing owed to a participant, moved by workers through
    pending -> issuing -> issued | failed. `source_key` makes creation idempotent."""

    __tablename__ = "rewards"
    __table_args__ = (
        UniqueConstraint("source_key"),
        UniqueConstraint("draw_id"),
        CheckConstraint(f"status IN {REWARD_STATUSES!r}", name="status"),
        CheckConstraint(f"kind IN {REWARD_KINDS!r}", name="kind"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_rewards_status_available", "status", "available_at"),
        Index("ix_rewards_participant", "participant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(160))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("draws.id", ondelete="RESTRICT"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    prize_key: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    draw: Mapped[Draw | None] = relationship()


class Event(Base):
    """A participant action or server-to-server event, deduplicated per channel by `event_id`."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("channel_id", "event_id"),
        Index("ix_events_campaign_type_created", "campaign_id", "type", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="RESTRICT"))
    event_id: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(32))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="RESTRICT")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdempotencyRecord(Base):
    """The first answer to a write sent with an Idempotency-Key, replayed for repeats."""

    __tablename__ = "idempotency_records"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        Index("ix_idempotency_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(160))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
