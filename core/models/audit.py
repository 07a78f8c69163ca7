"""The audit log: who did what to which object, with before/after, append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, JSONType, UTCDateTime, utcnow
from core.models.ledger import BigId


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    # What the object was called when the row was written (a campaign's or user's name), so
    # the log names it even after a rename or for rows whose object is gone.
    object_label: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    # The branch the row belongs to (the object's owning branch, else the actor's), so an
    # auditor reads only their subtree's rows; NULL rows (system, older rows) are head office's.
    # (No ON DELETE clause: SQLite adds the column in place and cannot reflect one there.)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)

    branch = relationship("Branch")
    actor_user = relationship("User", foreign_keys=[actor_id])


APPEND_ONLY_SQLITE = [
    DDL(
        f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    for op in ("UPDATE", "DELETE")
]
APPEND_ONLY_PG = [
    DDL(
        "CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql"
    ),
    DDL(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()"
    ),
]
for ddl in APPEND_ONLY_SQLITE:
    event.listen(AuditEntry.__table__, "after_create", ddl.execute_if(dialect="sqlite"))
for ddl in APPEND_ONLY_PG:
    event.listen(AuditEntry.__table__, "after_create", ddl.execute_if(dialect="postgresql"))
