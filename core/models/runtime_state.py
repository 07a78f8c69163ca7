"""Participant activity the runtime records besides draws: shares, check-ins, votes, leads,
and odds boosts/guarantees granted by rules. Each UNIQUE constraint enforces a "once per" rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from core.models.ledger import BigId


class ShareRecord(Base):
    """One counted share: once per participant, share channel and local day."""

    __tablename__ = "share_records"
    __table_args__ = (UniqueConstraint("campaign_id", "participant_id", "share_channel", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    share_channel: Mapped[str] = mapped_column(String(32))
    day: Mapped[str] = mapped_column(String(10))  # local date in the campaign's zone
    rewarded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CheckIn(Base):
    """One daily check-in with the streak it made (local days in the campaign's zone)."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("campaign_id", "participant_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    day: Mapped[str] = mapped_column(String(10))
    streak: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Vote(Base):
    """One vote; `day` is the local date, or "all" when a campaign allows one vote ever."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("campaign_id", "participant_id", "candidate", "day"),
        Index("ix_votes_campaign_candidate", "campaign_id", "candidate"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    candidate: Mapped[str] = mapped_column(String(64))
    day: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Lead(Base):
    """A submitted lead form with the consent the participant gave."""

    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_campaign_created", "campaign_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    branch_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OddsBoost(Base):
    """A boost_odds or guarantee_win granted by a rule; Redis holds the live copy."""

    __tablename__ = "odds_boosts"
    __table_args__ = (
        Index("ix_odds_boosts_campaign_participant", "campaign_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16))  # boost | guarantee
    prizes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    factor: Mapped[float | None] = mapped_column(Float)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
