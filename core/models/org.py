"""The bank's organisation: branches (HQ -> branch -> sub-branch) and staff users."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, UTCDateTime, utcnow
from core.roles import ROLE_KEYS

BRANCH_LEVELS = ("hq", "branch", "sub_branch")


class Branch(Base):
    __tablename__ = "branches"
    __table_args__ = (
        CheckConstraint(f"level IN {BRANCH_LEVELS!r}", name="level"),
        CheckConstraint("approval_levels BETWEEN 1 AND 5", name="approval_levels"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(16), default="branch")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("branches.id", ondelete="RESTRICT"), index=True
    )
    city: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    approval_levels: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Branch | None] = relationship(remote_side="Branch.id", back_populates="children")
    children: Mapped[list[Branch]] = relationship(back_populates="parent")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLE_KEYS!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branches.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session's user id: a new value ends every session of this user (sign-out,
    # password, role, branch or active change). server_default: rows older than the column.
    session_nonce: Mapped[str] = mapped_column(
        String(32), default=new_session_nonce, server_default=""
    )

    branch: Mapped[Branch] = relationship()

    # Flask-Login style attributes, so the studio can use the user object directly.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: `<id>:<session nonce>`."""
        return f"{self.id}:{self.session_nonce}"

    def end_sessions(self) -> None:
        """Invalidate every session of this user, server-side (cookies saved earlier included)."""
        self.session_nonce = new_session_nonce()

    def __str__(self) -> str:
        return self.username
