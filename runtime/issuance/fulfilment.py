"""The manual fulfilment queue for physical prizes: address, shipped, delivered (audited).
Each step also updates the reward's `result`, which participants see in their reward list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from core.audit import record
from core.extensions import db
from core.models import Fulfilment, Reward, User, utcnow

ADDRESS_FIELDS = ("name", "phone", "address")
STEPS = {"shipped": ("ready",), "delivered": ("shipped",)}


class FulfilmentError(ValueError):
    """Bad input or a step out of order; the message names the field."""


def _load(reward_id: int) -> Fulfilment:
    item = db.session.execute(
        select(Fulfilment).where(Fulfilment.reward_id == reward_id)
    ).scalar_one_or_none()
    if item is None:
        raise FulfilmentError(f"reward_id: reward {reward_id} has no fulfilment record")
    return item


def _sync_reward(item: Fulfilment) -> None:
    tracking = f"{item.carrier} {item.tracking_no}".strip() if item.tracking_no else None
    result = {"fulfilment": item.status, "tracking": tracking, "note": item.note}
    db.session.execute(update(Reward).where(Reward.id == item.reward_id).values(result=result))


def to_dict(item: Fulfilment) -> dict[str, Any]:
    return {
        "reward_id": item.reward_id,
        "campaign_id": item.campaign_id,
        "participant_id": item.participant_id,
        "status": item.status,
        "address": item.address,
        "carrier": item.carrier,
        "tracking_no": item.tracking_no,
        "note": item.note,
    }


def list_queue(status: str | None = None, campaign_id: int | None = None, limit: int = 200):
    query = select(Fulfilment).order_by(Fulfilment.created_at).limit(limit)
    if status:
        query = query.where(Fulfilment.status == status)
    if campaign_id:
        query = query.where(Fulfilment.campaign_id == campaign_id)
    return [to_dict(item) for item in db.session.scalars(query)]


def capture_address(
    reward_id: int,
    address: dict[str, Any],
    actor: User | None = None,
    actor_label: str | None = None,
) -> dict[str, Any]:
    """Record the delivery address (by staff, or the participant through the runtime)."""
    missing = [f for f in ADDRESS_FIELDS if not str(address.get(f) or "").strip()]
    if missing:
        raise FulfilmentError(f"address.{missing[0]}: required")
    item = _load(reward_id)
    if item.status not in ("awaiting_address", "ready"):
        raise FulfilmentError(f"status: already {item.status}; the address can no longer change")
    before = to_dict(item)
    item.address = {f: str(address[f]).strip() for f in ADDRESS_FIELDS}
    item.status, item.updated_at = "ready", utcnow()
    _sync_reward(item)
    record(
        "fulfilment.address",
        "reward",
        reward_id,
        actor=actor,
        actor_label=actor_label,
        before=before,
        after=to_dict(item),
    )
    db.session.commit()
    return to_dict(item)


def mark(
    reward_id: int,
    step: str,
    actor: User | None = None,
    actor_label: str | None = None,
    carrier: str | None = None,
    tracking_no: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Move a parcel to `shipped` (needs a tracking number) or `delivered`; audited."""
    if step not in STEPS:
        raise FulfilmentError(f"step: expected shipped or delivered, got {step!r}")
    item = _load(reward_id)
    if item.status not in STEPS[step]:
        raise FulfilmentError(f"status: a {item.status} parcel cannot be marked {step}")
    if step == "shipped" and not (tracking_no or "").strip():
        raise FulfilmentError("tracking_no: required to mark a parcel shipped")
    before = to_dict(item)
    now = utcnow()
    item.status, item.updated_at = step, now
    if step == "shipped":
        item.carrier, item.tracking_no, item.shipped_at = carrier, tracking_no.strip(), now
    else:
        item.delivered_at = now
    if note:
        item.note = note
    _sync_reward(item)
    record(
        f"fulfilment.{step}",
        "reward",
        reward_id,
        actor=actor,
        actor_label=actor_label,
        before=before,
        after=to_dict(item),
    )
    db.session.commit()
    return to_dict(item)
