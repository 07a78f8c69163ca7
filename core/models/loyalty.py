"""The loyalty ledger: task completions (with the badges they award) and the points mall's
stock, exchanges and the rewards each exchange created.

Each "once" is a UNIQUE constraint: a task per participant, a badge's place in the order a
participant earned them, an exchange per Idempotency-Key, a reward per exchange part. Stock
is a CHECK (`taken <= stock_total`), so no code path can sell beyond it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from core.models.ledger import BigId


class TaskCompletion(Base):
    """A participant completed one of a campaign's tasks (once). `badge_ordinal` is the
    badge's place among the participant's badges in this campaign (1st, 2nd...): UNIQUE, so
    two badges earned at once cannot both count as the third."""

    __tablename__ = "task_completions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "participant_id", "task_key"),
        UniqueConstraint("campaign_id", "participant_id", "badge_ordinal"),
        CheckConstraint("badge_ordinal IS NULL OR badge_ordinal >= 1", name="badge_ordinal"),
        Index("ix_task_completions_campaign_created", "campaign_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    task_key: Mapped[str] = mapped_column(String(64))
    badge_ordinal: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(160))  # the ledger key of the event that did it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MallStock(Base):
    """Units of one mall right a campaign may still sell (NULL total: unlimited)."""

    __tablename__ = "mall_stock"
    __table_args__ = (
        UniqueConstraint("campaign_id", "item_key"),
        CheckConstraint("taken >= 0", name="taken"),
        CheckConstraint("stock_total IS NULL OR taken <= stock_total", name="within_stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    item_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    stock_total: Mapped[int | None] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Exchange(Base):
    """Points spent on a mall right: `quantity` parts at `unit_price` each. `consumed` lists
    the credits the debit used, oldest-expiring first ([entry id, expires_at, points]), so a
    refund gives each point back with the expiry it had."""

    __tablename__ = "exchanges"
    __table_args__ = (
        UniqueConstraint("participant_id", "idempotency_key"),
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("unit_price >= 1", name="unit_price"),
        Index("ix_exchanges_person_item", "campaign_id", "participant_id", "item_key", "day"),
        Index("ix_exchanges_campaign_created", "campaign_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    item_key: Mapped[str] = mapped_column(String(64))
    choice_key: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    scope_id: Mapped[int] = mapped_column(Integer)  # the points account scope debited
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    day: Mapped[str] = mapped_column(String(10))  # local date in the campaign's zone
    branch_code: Mapped[str | None] = mapped_column(String(32))
    consumed: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangePart(Base):
    """One part of an exchange and the reward that delivers it; `refunded_at` is set (once)
    when its points went back because the reward failed or was cancelled."""

    __tablename__ = "exchange_parts"
    __table_args__ = (
        UniqueConstraint("exchange_id", "part"),
        UniqueConstraint("reward_id"),
        CheckConstraint("points >= 1", name="points"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="RESTRICT"))
    part: Mapped[int] = mapped_column(Integer)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id", ondelete="RESTRICT"))
    points: Mapped[int] = mapped_column(Integer)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
