"""Staff points entries (seed 003: staff credit points for deposits and spending), audited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from core.audit import record
from core.extensions import db
from core.models import Participant, User, utcnow
from runtime.issuance import points


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
    if not isinstance(amount, int) or amount == 0:
        raise ValueError("amount: a non-zero whole number of points is required")
    if not note or not note.strip():
        raise ValueError("note: say why (e.g. the deposit reference)")
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
            note=note.strip(),
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
        "note": note.strip(),
    }
    record(
        "points.credit",
        "points_entry",
        posting.entry_id,
        actor=actor,
        actor_label=label,
        after=after,
    )
    db.session.commit()
    return {"entry_id": posting.entry_id, **after}
