"""Audience lists: whitelists and tag segments uploaded as CSV, versioned, referenced by
campaigns by name (`audience.whitelist_ref` / `audience.segment_ref` in a bundle).

Every upload is a new, immutable version; a campaign's bundle pins the version it uses, so a
published campaign's audience never changes behind its approvals (runtime.audiences). Members
are participant ids of one channel (a token's `sub` under its issuer), one row each, looked up
by primary key at join: no request loads a whole list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from core.models.channel import Channel
from core.models.org import Branch

AUDIENCE_LIST_KINDS = ("whitelist", "segment")


class AudienceList(Base):
    """A named list of participants of one channel, owned by a branch (names are bank-wide)."""

    __tablename__ = "audience_lists"
    __table_args__ = (CheckConstraint(f"kind IN {AUDIENCE_LIST_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branches.id", ondelete="RESTRICT"), index=True
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    branch: Mapped[Branch] = relationship()
    channel: Mapped[Channel] = relationship()

    def __str__(self) -> str:
        return self.name


class AudienceListVersion(Base):
    """One upload of a list: numbered 1, 2, ... per list, never changed afterwards."""

    __tablename__ = "audience_list_versions"
    __table_args__ = (
        UniqueConstraint("list_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("size >= 1", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("audience_lists.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(String(255))
    report: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    list: Mapped[AudienceList] = relationship()


class AudienceMember(Base):
    """A participant id in one version; the primary key is the join check's lookup."""

    __tablename__ = "audience_members"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("audience_list_versions.id", ondelete="CASCADE"), primary_key=True
    )
    participant: Mapped[str] = mapped_column(String(128), primary_key=True)
