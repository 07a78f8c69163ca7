"""Writing the audit log: every studio change records who, when, what, before and after."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from core.extensions import db
from core.models import AuditEntry, User


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit row to the current session; it commits with the change it describes."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor=actor_label or (actor.username if actor is not None else "system"),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        request_id=g.get("request_id") if has_request_context() else None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
