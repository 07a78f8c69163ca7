"""Campaigns, their immutable published versions, approvals and prize stock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, JSONType, UTCDateTime, utcnow

CAMPAIGN_STATUSES = ("draft", "pending_approval", "approved", "live", "paused", "ended")
# The review of the working draft, apart from the lifecycle above: a live campaign keeps
# serving its published version while a changed draft is being reviewed.
REVIEW_STATUSES = ("editing", "submitted", "approved", "rejected", "published")


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(f"status IN {CAMPAIGN_STATUSES!r}", name="status"),
        CheckConstraint(f"review_status IN {REVIEW_STATUSES!r}", name="review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branches.id", ondelete="RESTRICT"), index=True
    )
    widget_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    draft: Mapped[dict[str, Any]] = mapped_column(JSONType)
    draft_hash: Mapped[str] = mapped_column(String(64))
    review_status: Mapped[str] = mapped_column(String(16), default="editing")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Each submission opens a new review round; approvals belong to one round, so a draft sent
    # back and submitted again, or a rollback to an earlier snapshot, starts with none.
    review_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The version number a rollback restores while its draft is under review (else None).
    rollback_of: Mapped[int | None] = mapped_column(Integer)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_versions.id", use_alter=True, ondelete="RESTRICT")
    )
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    branch = relationship("Branch")
    published_version: Mapped[CampaignVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )

    def __str__(self) -> str:
        return self.name


class CampaignVersion(Base):
    """A published snapshot. Rows are never updated (a database trigger refuses it)."""

    __tablename__ = "campaign_versions"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    approvals: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship(foreign_keys=[campaign_id])


class Approval(Base):
    """One approver's decision on one level of one review round (a submitted draft, whose
    content hash it keeps). `branch_id` is the branch the level belongs to (builder.approvals)."""

    __tablename__ = "approvals"
    __table_args__ = (
        CheckConstraint("decision IN ('approved', 'rejected')", name="decision"),
        UniqueConstraint("campaign_id", "round", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    draft_hash: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Prize(Base):
    """Stock ledger of one prize of one campaign. `issued` counts wins committed to the ledger,
    so `stock_total - issued` is what Redis may still hand out."""

    __tablename__ = "prizes"
    __table_args__ = (
        UniqueConstraint("campaign_id", "key"),
        CheckConstraint("stock_total IS NULL OR stock_total >= 0", name="stock_total"),
        CheckConstraint("issued >= 0", name="issued"),
        CheckConstraint("stock_total IS NULL OR issued <= stock_total", name="stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    reward_kind: Mapped[str] = mapped_column(String(32))
    stock_total: Mapped[int | None] = mapped_column(Integer)
    issued: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def stock_left(self) -> int | None:
        return None if self.stock_total is None else self.stock_total - self.issued


IMMUTABLE_VERSIONS_SQLITE = DDL(
    "CREATE TRIGGER campaign_versions_immutable BEFORE UPDATE ON campaign_versions "
    "BEGIN SELECT RAISE(ABORT, 'campaign versions are immutable'); END"
)
IMMUTABLE_VERSIONS_PG_FUNCTION = DDL(
    "CREATE OR REPLACE FUNCTION refuse_version_update() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'campaign versions are immutable'; END; $$ LANGUAGE plpgsql"
)
IMMUTABLE_VERSIONS_PG_TRIGGER = DDL(
    "CREATE TRIGGER campaign_versions_immutable BEFORE UPDATE ON campaign_versions "
    "FOR EACH ROW EXECUTE FUNCTION refuse_version_update()"
)

event.listen(
    CampaignVersion.__table__,
    "after_create",
    IMMUTABLE_VERSIONS_SQLITE.execute_if(dialect="sqlite"),
)
event.listen(
    CampaignVersion.__table__,
    "after_create",
    IMMUTABLE_VERSIONS_PG_FUNCTION.execute_if(dialect="postgresql"),
)
event.listen(
    CampaignVersion.__table__,
    "after_create",
    IMMUTABLE_VERSIONS_PG_TRIGGER.execute_if(dialect="postgresql"),
)
