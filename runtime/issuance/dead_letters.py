"""Dead letters: rewards that used up their retries (or failed permanently), for staff to
retry or cancel from the studio and the CLI. Every action writes an audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from core.audit import record
from core.extensions import db
from core.models import Campaign, Participant, Reward, User, utcnow


class RewardStateError(ValueError):
    """The reward is not in a state that allows the action; the message says why."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe(reward: Reward, slug: str | None = None, external_id: str | None = None) -> dict:
    return {
        "id": reward.id,
        "campaign_id": reward.campaign_id,
        "campaign": slug,
        "participant_id": reward.participant_id,
        "participant": external_id,
        "kind": reward.kind,
        "prize_key": reward.prize_key,
        "status": reward.status,
        "attempts": reward.attempts,
        "max_attempts": reward.max_attempts,
        "last_error": reward.last_error,
        "created_at": _iso(reward.created_at),
        "updated_at": _iso(reward.updated_at),
    }


def list_failed(
    campaign_id: int | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Failed rewards, newest first, with their last error."""
    query = (
        select(Reward, Campaign.slug, Participant.external_id)
        .join(Campaign, Campaign.id == Reward.campaign_id)
        .join(Participant, Participant.id == Reward.participant_id)
        .where(Reward.status == "failed")
        .order_by(Reward.updated_at.desc(), Reward.id.desc())
        .limit(min(max(limit, 1), 1000))
        .offset(max(offset, 0))
    )
    if campaign_id is not None:
        query = query.where(Reward.campaign_id == campaign_id)
    return [describe(r, slug, ext) for r, slug, ext in db.session.execute(query).all()]


def count_failed(campaign_id: int | None = None) -> int:
    query = select(func.count(Reward.id)).where(Reward.status == "failed")
    if campaign_id is not None:
        query = query.where(Reward.campaign_id == campaign_id)
    return int(db.session.scalar(query))


def _transition(reward_id: int, allowed: tuple[str, ...], values: dict[str, Any]) -> Reward:
    reward = db.session.get(Reward, reward_id)
    if reward is None:
        raise RewardStateError(f"reward_id: no reward {reward_id}")
    if reward.status not in allowed:
        raise RewardStateError(
            f"reward {reward_id} is {reward.status}; only {' or '.join(allowed)} rewards qualify"
        )
    changed = db.session.execute(
        update(Reward)
        .where(Reward.id == reward_id, Reward.status == reward.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise RewardStateError(f"reward {reward_id} changed meanwhile; try again")
    return reward


def retry(
    reward_id: int,
    actor: User | None = None,
    actor_label: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """failed -> pending with a fresh set of attempts; audited; commits and wakes the loops."""
    now = utcnow()
    reward = _transition(
        reward_id,
        ("failed",),
        {
            "status": "pending",
            "attempts": 0,
            "available_at": now,
            "claimed_by": None,
            "lease_until": None,
            "updated_at": now,
        },
    )
    before = {"status": "failed", "attempts": reward.attempts, "last_error": reward.last_error}
    record(
        "reward.retry",
        "reward",
        reward_id,
        actor=actor,
        actor_label=actor_label,
        before=before,
        after={"status": "pending", "attempts": 0, "reason": reason},
    )
    db.session.commit()
    from runtime.issuance import wake

    wake()
    return {"id": reward_id, "status": "pending"}


def cancel(
    reward_id: int,
    actor: User | None = None,
    actor_label: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """failed or pending -> cancelled (never issued); audited; commits."""
    now = utcnow()
    reward = _transition(
        reward_id,
        ("failed", "pending"),
        {
            "status": "cancelled",
            "claimed_by": None,
            "lease_until": None,
            "updated_at": now,
        },
    )
    record(
        "reward.cancel",
        "reward",
        reward_id,
        actor=actor,
        actor_label=actor_label,
        before={"status": reward.status, "last_error": reward.last_error},
        after={"status": "cancelled", "reason": reason},
    )
    db.session.commit()
    from runtime.loyalty.refunds import refund_failed

    refund_failed(db.session, [reward_id])  # a cancelled exchange part gives its points back
    return {"id": reward_id, "status": "cancelled"}
