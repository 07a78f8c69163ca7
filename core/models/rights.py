"""Rights and their fulfilment: the points ledger, coupon code pools, red packet budgets,
and physical fulfilment records.

Every effect of issuing a reward carries the reward id behind a UNIQUE constraint, so the
database refuses a second effect for the same reward whatever the workers do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from core.models.ledger import BigId

POINTS_ENTRY_KINDS = ("reward", "staff", "spend", "expiry", "adjust")
FULFILMENT_STATUSES = ("awaiting_address", "ready", "shipped", "delivered", "cancelled")
POINTS_REQUEST_STATUSES = ("pending", "approved", "refused")


class PointsAccount(Base):
    """A participant's points balance in one scope (a campaign, or 0 for bank-wide points),
    maintained in the same transaction as each ledger entry; never negative."""

    __tablename__ = "points_accounts"
    __table_args__ = (
        UniqueConstraint("participant_id", "scope_id"),
        CheckConstraint("balance >= 0", name="balance"),
        Index("ix_points_accounts_next_expiry", "next_expiry_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    scope_id: Mapped[int] = mapped_column(Integer, default=0)  # campaign id, or 0 = bank-wide
    balance: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)
    # The earliest expiry among credits not yet expired, so the expiry job visits only
    # accounts with something due (NULL: nothing will expire).
    next_expiry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PointsEntry(Base):
    """Append-only points ledger (a trigger refuses UPDATE and DELETE). Credits may expire;
    debits (spend, expiry) consume the oldest-expiring credits first."""

    __tablename__ = "points_entries"
    __table_args__ = (
        UniqueConstraint("source_key"),
        CheckConstraint("delta <> 0", name="delta"),
        CheckConstraint(f"kind IN {POINTS_ENTRY_KINDS!r}", name="kind"),
        Index("ix_points_entries_account", "account_id", "id"),
        Index("ix_points_entries_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("points_accounts.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16))
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    source_key: Mapped[str] = mapped_column(String(160))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(255))
    actor: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PointsRequest(Base):
    """A staff points entry above the approval threshold, held until a second person with the
    right in the same branch scope approves (then posted) or refuses it."""

    __tablename__ = "points_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {POINTS_REQUEST_STATUSES!r}", name="status"),
        CheckConstraint("amount <> 0", name="amount"),
        CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> requested_by_id", name="second_person"
        ),
        Index("ix_points_requests_branch_status", "branch_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    # The branch that owns the entry: the campaign's, or the head office's for bank-wide points.
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"))
    amount: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(255))
    valid_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(255))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("points_entries.id", ondelete="RESTRICT")
    )


class CouponPool(Base):
    """A batch of codes in the rights library (e.g. phone credit), optionally earmarked for
    one campaign, with validity, redemption count and the message shown on arrival."""

    __tablename__ = "coupon_pools"
    __table_args__ = (
        UniqueConstraint("key"),
        CheckConstraint("valid_days IS NULL OR valid_days > 0", name="valid_days"),
        CheckConstraint("redemption_limit >= 1", name="redemption_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    valid_days: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redemption_limit: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CouponCode(Base):
    """One code of a pool; `reward_id` UNIQUE: a reward gets at most one code, a code goes to
    at most one reward."""

    __tablename__ = "coupon_codes"
    __table_args__ = (
        UniqueConstraint("pool_id", "code"),
        UniqueConstraint("reward_id"),
        CheckConstraint("redemptions >= 0", name="redemptions"),
        Index("ix_coupon_codes_pool_free", "pool_id", "reward_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("coupon_pools.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(128))
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id", ondelete="RESTRICT"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redemptions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RedPacketBudget(Base):
    """Money a campaign may hand out as red packets, in cents; the CHECK makes overspending
    impossible whatever the application does."""

    __tablename__ = "red_packet_budgets"
    __table_args__ = (
        UniqueConstraint("campaign_id"),
        CheckConstraint("total_cents >= 0", name="total"),
        CheckConstraint("spent_cents >= 0 AND spent_cents <= total_cents", name="spent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(String(8), default="CNY")
    total_cents: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    spent_cents: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), default=0
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class RedPacketGrant(Base):
    """One red packet paid out of a budget for one reward."""

    __tablename__ = "red_packet_grants"
    __table_args__ = (
        UniqueConstraint("reward_id"),
        CheckConstraint("amount_cents > 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("red_packet_budgets.id", ondelete="RESTRICT"))
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Fulfilment(Base):
    """The manual fulfilment queue for physical prizes: staff capture the address, then mark
    the parcel shipped and delivered."""

    __tablename__ = "fulfilments"
    __table_args__ = (
        UniqueConstraint("reward_id"),
        CheckConstraint(f"status IN {FULFILMENT_STATUSES!r}", name="status"),
        Index("ix_fulfilments_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id", ondelete="RESTRICT"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default="awaiting_address")
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_no: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


POINTS_APPEND_ONLY_SQLITE = [
    DDL(
        f"CREATE TRIGGER points_entries_no_{op.lower()} BEFORE {op} ON points_entries "
        "BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END"
    )
    for op in ("UPDATE", "DELETE")
]
POINTS_APPEND_ONLY_PG = [
    DDL(
        "CREATE OR REPLACE FUNCTION refuse_points_entry_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the points ledger is append-only'; END; $$ LANGUAGE plpgsql"
    ),
    DDL(
        "CREATE TRIGGER points_entries_append_only BEFORE UPDATE OR DELETE ON points_entries "
        "FOR EACH ROW EXECUTE FUNCTION refuse_points_entry_change()"
    ),
]
for _ddl in POINTS_APPEND_ONLY_SQLITE:
    event.listen(PointsEntry.__table__, "after_create", _ddl.execute_if(dialect="sqlite"))
for _ddl in POINTS_APPEND_ONLY_PG:
    event.listen(PointsEntry.__table__, "after_create", _ddl.execute_if(dialect="postgresql"))
