"""Claiming rewards from the outbox and recording what became of them.

A claim moves up to `limit` due pending rows to `issuing` under a fresh claim token with a
lease, in one statement: on PostgreSQL the candidate rows are picked `FOR UPDATE SKIP LOCKED`
so concurrent workers never wait on each other; on SQLite the statement runs under BEGIN
IMMEDIATE, which serialises writers. Every later write to the row is guarded by the token,
so a worker whose lease expired and was reclaimed can no longer touch it.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from core.models import Reward, utcnow
from runtime.issuance.dialect import is_postgres
from runtime.issuance.issuers.base import ClaimedReward

MAX_ERROR_LENGTH = 2000


def new_token(worker_id: str) -> str:
    return f"{worker_id}:{uuid.uuid4().hex[:12]}"


def claim_batch(
    session: Session,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    kinds: tuple[str, ...] | list[str] | None = None,
    now: datetime | None = None,
) -> list[ClaimedReward]:
    """Claim due pending rewards and commit the claim; returns them (empty if none)."""
    now = now or utcnow()
    token = new_token(worker_id)
    candidates = (
        select(Reward.id)
        .where(Reward.status == "pending", Reward.available_at <= now)
        .order_by(Reward.available_at, Reward.id)
        .limit(limit)
    )
    if kinds is not None:
        candidates = candidates.where(Reward.kind.in_(list(kinds)))
    if is_postgres(session):
        candidates = candidates.with_for_update(skip_locked=True)
    statement = (
        update(Reward)
        .where(Reward.id.in_(candidates.scalar_subquery()), Reward.status == "pending")
        .values(
            status="issuing",
            claimed_by=token,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=Reward.attempts + 1,
            updated_at=now,
        )
        .returning(
            Reward.id,
            Reward.kind,
            Reward.campaign_id,
            Reward.participant_id,
            Reward.prize_key,
            Reward.payload,
            Reward.attempts,
            Reward.max_attempts,
            Reward.draw_id,
        )
        .execution_options(synchronize_session=False)
    )
    try:
        rows = session.execute(statement).all()
        session.commit()
    except Exception:
        session.rollback()
        raise
    return [
        ClaimedReward(
            id=row.id,
            kind=row.kind,
            campaign_id=row.campaign_id,
            participant_id=row.participant_id,
            prize_key=row.prize_key,
            payload=dict(row.payload or {}),
            attempts=row.attempts,
            max_attempts=row.max_attempts,
            draw_id=row.draw_id,
            token=token,
        )
        for row in sorted(rows, key=lambda r: r.id)
    ]


def _guard(reward: ClaimedReward):
    return and_(
        Reward.id == reward.id, Reward.status == "issuing", Reward.claimed_by == reward.token
    )


def mark_issued(
    session: Session, reward: ClaimedReward, result: dict[str, Any], now: datetime
) -> bool:
    """issuing -> issued, only if this claim still holds the row. Caller commits."""
    statement = (
        update(Reward)
        .where(_guard(reward))
        .values(
            status="issued",
            result=result,
            issued_at=now,
            lease_until=None,
            last_error=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1


def backoff_seconds(attempts: int, base: float, cap: float, rng: random.Random | None = None):
    """Exponential backoff with equal jitter: half the delay fixed, half random."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


def mark_failed_attempt(
    session: Session,
    reward: ClaimedReward,
    error: str,
    now: datetime,
    *,
    permanent: bool,
    delay_seconds: float,
) -> str:
    """Record a failed attempt: back to pending after `delay_seconds`, or `failed` (a dead
    letter) when the error is permanent or the attempts are used up. Returns the new status."""
    status = "failed" if permanent or reward.attempts >= reward.max_attempts else "pending"
    values: dict[str, Any] = {
        "status": status,
        "last_error": error[:MAX_ERROR_LENGTH],
        "claimed_by": None,
        "lease_until": None,
        "updated_at": now,
    }
    if status == "pending":
        values["available_at"] = now + timedelta(seconds=delay_seconds)
    session.execute(
        update(Reward)
        .where(_guard(reward))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return status


def release(session: Session, rewards: list[ClaimedReward], now: datetime | None = None) -> None:
    """Give claims back untouched (e.g. the batch transaction failed as a whole)."""
    now = now or utcnow()
    for reward in rewards:
        session.execute(
            update(Reward)
            .where(_guard(reward))
            .values(
                status="pending",
                claimed_by=None,
                lease_until=None,
                available_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    session.commit()


def reclaim_expired(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """Return rows whose lease expired (their worker died) to pending, or to failed when their
    attempts are used up. Commits; returns (requeued, failed)."""
    now = now or utcnow()
    expired = and_(Reward.status == "issuing", Reward.lease_until < now)
    failed = session.execute(
        update(Reward)
        .where(expired, Reward.attempts >= Reward.max_attempts)
        .values(
            status="failed",
            claimed_by=None,
            lease_until=None,
            updated_at=now,
            last_error="claim abandoned (worker lost) after the last attempt",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    requeued = session.execute(
        update(Reward)
        .where(expired)
        .values(
            status="pending",
            claimed_by=None,
            lease_until=None,
            available_at=now,
            updated_at=now,
            last_error="claim abandoned (worker lost); requeued",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return requeued, failed
