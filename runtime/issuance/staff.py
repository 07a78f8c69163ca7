"""Staff points entries (seed 003: staff credit points for deposits and spending), audited.

Every entry is capped (`STAFF_POINTS_MAX_ENTRY` points either way). The studio's path
(runtime.issuance.staff_requests) adds branch scope and a second person above a threshold;
`studio points credit` is the operator's path, audited as the CLI.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import current_app

from core.audit import record
from core.extensions import db
from core.models import Participant, User, utcnow
from runtime.issuance import points


def max_entry() -> int:
    return current_app.config.get("STAFF_POINTS_MAX_ENTRY", 50_000)


def check_amount(amount: Any) -> int:
    """A non-zero whole number of points within the per-entry cap; ValueError naming `amount`."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise ValueError("amount: a non-zero whole number of points is required")
    if abs(amount) > max_entry():
        raise ValueError(f"amount: at most {max_entry()} points per entry")
    return amount


def check_note(note: str | None) -> str:
    if not note or not note.strip():
        raise ValueError("note: say why (e.g. the deposit reference)")
    if len(note.strip()) > 255:
        raise ValueError("note: at most 255 characters")
    return note.strip()


def post_entry(
    participant_id: int,
    amount: int,
    *,
    note: str,
    actor: User | None = None,
    actor_label: str | None = None,
    campaign_id: int | None = None,
    valid_days: int | None = None,
    source_key: str | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post the entry and its audit row in the caller's transaction (no commit)."""
    check_amount(amount)
    note = check_note(note)
    if db.session.get(Participant, participant_id) is None:
        raise ValueError(f"participant_id: no participant {participant_id}")
    now = utcnow()
    expires_at = now + timedelta(days=valid_days) if valid_days and amount > 0 else None
    label = actor_label or (actor.username if actor else "system")
    try:
        posting = points.post(
            db.session,
            participant_id=participant_id,
            campaign_id=campaign_id,
            delta=amount,
            kind="staff" if amount > 0 else "adjust",
            source_key=source_key or f"staff:{uuid.uuid4().hex}",
            expires_at=expires_at,
            note=note,
            actor=label,
            now=now,
        )
    except points.InsufficientPoints:
        db.session.rollback()
        raise ValueError("amount: the balance is lower than this debit") from None
    after = {
        "participant_id": participant_id,
        "delta": amount,
        "balance": posting.balance,
        "campaign_id": campaign_id,
        "note": note,
        **(audit_extra or {}),
    }
    record(
        "points.credit",
        "points_entry",
        posting.entry_id,
        actor=actor,
        actor_label=label,
        after=after,
    )
    return {"entry_id": posting.entry_id, **after}


def credit_points(
    participant_id: int,
    amount: int,
    *,
    note: str,
    actor: User | None = None,
    actor_label: str | None = None,
    campaign_id: int | None = None,
    valid_days: int | None = None,
    source_key: str | None = None,
) -> dict[str, Any]:
    """Credit (amount > 0) or debit (amount < 0) points by hand; a repeated source_key is
    refused by the ledger's UNIQUE constraint. Commits."""
    result = post_entry(
        participant_id,
        amount,
        note=note,
        actor=actor,
        actor_label=actor_label,
        campaign_id=campaign_id,
        valid_days=valid_days,
        source_key=source_key,
    )
    db.session.commit()
    return result
