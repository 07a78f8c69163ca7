"""Staff points entries from the studio: scoped, capped, and four-eyes above a threshold.

- Scope: an entry belongs to a campaign of the operator's branch subtree, for a participant
  who joined that campaign (the points land in that campaign's scope). Bank-wide points (no
  campaign) are head office's alone.
- Cap: `STAFF_POINTS_MAX_ENTRY` points either way per entry (runtime.issuance.staff).
- Second person: an entry of more than `STAFF_POINTS_APPROVAL_THRESHOLD` points either way
  is held as a pending request until another user with `operate_rewards` whose subtree holds
  the entry's branch approves it (then it is posted) or refuses it. The decision is claimed
  with a conditional UPDATE and the posting's source key is the request's, so two approvers
  racing post it once.
Every step writes an audit row owned by the entry's branch.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select, update

from core.audit import record
from core.extensions import db
from core.models import Campaign, Membership, Participant, PointsRequest, User, utcnow
from core.roles import has_permission
from core.scope import is_head_office, user_scope
from runtime.issuance.staff import check_amount, check_note, post_entry


class StaffEntryError(ValueError):
    """Refused; the message starts with the field to fix."""


def approval_threshold() -> int:
    return current_app.config.get("STAFF_POINTS_APPROVAL_THRESHOLD", 2_000)


def _require_operator(actor: User) -> None:
    if not has_permission(actor.role, "operate_rewards"):
        raise StaffEntryError(f"role: a {actor.role} may not enter points")


def entry_branch(actor: User, participant_id: int, campaign_id: int | None) -> int:
    """The branch that owns an entry by `actor`, after checking it is theirs to make."""
    if campaign_id is None:
        if not is_head_office(actor):
            raise StaffEntryError("campaign: choose a campaign of your branch")
        return actor.branch_id
    branch_id = db.session.scalar(select(Campaign.branch_id).where(Campaign.id == campaign_id))
    if branch_id is None or branch_id not in user_scope(actor):
        raise StaffEntryError("campaign: no such campaign in your branch")
    joined = db.session.scalar(
        select(Membership.id).where(
            Membership.campaign_id == campaign_id, Membership.participant_id == participant_id
        )
    )
    if joined is None:
        raise StaffEntryError("participant: this customer has not joined that campaign")
    return branch_id


def enter_points(
    actor: User,
    participant_id: int,
    amount: Any,
    *,
    note: str,
    campaign_id: int | None = None,
    valid_days: int | None = None,
) -> dict[str, Any]:
    """Post the entry, or hold it for a second person when above the threshold. Commits."""
    _require_operator(actor)
    try:
        amount, note = check_amount(amount), check_note(note)
    except ValueError as exc:
        raise StaffEntryError(str(exc)) from None
    if db.session.get(Participant, participant_id) is None:
        raise StaffEntryError("participant: nobody with that id")
    branch_id = entry_branch(actor, participant_id, campaign_id)
    if abs(amount) <= approval_threshold():
        try:
            result = post_entry(
                participant_id,
                amount,
                note=note,
                actor=actor,
                campaign_id=campaign_id,
                valid_days=valid_days,
            )
        except ValueError as exc:
            raise StaffEntryError(str(exc)) from None
        db.session.commit()
        return {"status": "posted", **result}
    held = PointsRequest(
        participant_id=participant_id,
        campaign_id=campaign_id,
        branch_id=branch_id,
        amount=amount,
        note=note,
        valid_days=valid_days,
        status="pending",
        requested_by_id=actor.id,
    )
    db.session.add(held)
    db.session.flush()
    record("points.request", "points_request", held.id, actor=actor, after=request_dict(held))
    db.session.commit()
    return {"status": "pending", "request_id": held.id, "amount": amount}


def decide(
    request_id: int, actor: User, approve: bool, reason: str | None = None
) -> dict[str, Any]:
    """pending -> approved (the entry is posted) or refused, by a second person. Commits."""
    _require_operator(actor)
    held = db.session.get(PointsRequest, request_id)
    if held is None or held.branch_id not in user_scope(actor):
        raise StaffEntryError("request: no such request in your branch")
    if held.requested_by_id == actor.id:
        raise StaffEntryError("approver: another person must decide on your own entry")
    reason = (reason or "").strip()[:255] or None
    if not approve and reason is None:
        raise StaffEntryError("reason: say why the entry is refused")
    before = request_dict(held)
    claimed = db.session.execute(
        update(PointsRequest)
        .where(PointsRequest.id == request_id, PointsRequest.status == "pending")
        .values(
            status="approved" if approve else "refused",
            decided_by_id=actor.id,
            decided_at=utcnow(),
            reason=reason,
        )
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise StaffEntryError("status: this request was already decided")
    entry_id = None
    if approve:
        try:
            posted = post_entry(
                held.participant_id,
                held.amount,
                note=held.note,
                actor=actor,
                campaign_id=held.campaign_id,
                valid_days=held.valid_days,
                source_key=f"points-request:{held.id}",
                audit_extra={"request_id": held.id},
            )
        except ValueError as exc:  # e.g. the balance fell below a debit; nothing is written
            db.session.rollback()
            raise StaffEntryError(str(exc)) from None
        entry_id = posted["entry_id"]
        db.session.execute(
            update(PointsRequest).where(PointsRequest.id == request_id).values(entry_id=entry_id)
        )
    db.session.refresh(held)
    record(
        f"points.{'approve' if approve else 'refuse'}",
        "points_request",
        held.id,
        actor=actor,
        before=before,
        after=request_dict(held),
    )
    db.session.commit()
    return {"request_id": held.id, "status": held.status, "entry_id": entry_id}


def pending_in_scope(actor: User) -> list[PointsRequest]:
    """Requests waiting for a decision in the actor's subtree, oldest first."""
    return list(
        db.session.scalars(
            select(PointsRequest)
            .where(
                PointsRequest.status == "pending",
                PointsRequest.branch_id.in_(user_scope(actor)),
            )
            .order_by(PointsRequest.id)
        )
    )


def request_dict(held: PointsRequest) -> dict[str, Any]:
    return {
        "participant_id": held.participant_id,
        "campaign_id": held.campaign_id,
        "amount": held.amount,
        "note": held.note,
        "status": held.status,
        "requested_by_id": held.requested_by_id,
        "decided_by_id": held.decided_by_id,
        "reason": held.reason,
        "entry_id": held.entry_id,
    }
