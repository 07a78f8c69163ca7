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
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session, scoped_session

from core.db import read_only
from core.models import Reward, utcnow
from runtime.issuance.dialect import is_postgres
from runtime.issuance.issuers.base import ClaimedReward
from runtime.write_gate import write_gate

MAX_ERROR_LENGTH = 2000

_rewards = Reward.__table__
# Built once: executemany reuses the compiled form for every batch.
MARK_ISSUED_MANY = (
    _rewards.update()
    .where(
        _rewards.c.id == bindparam("b_id"),
        _rewards.c.status == "issuing",
        _rewards.c.claimed_by == bindparam("b_token"),
    )
    .values(
        status="issued",
        result=bindparam("b_result"),
        issued_at=bindparam("b_now"),
        lease_until=None,
        last_error=None,
        updated_at=bindparam("b_now"),
    )
)


def new_token(worker_id: str) -> str:
    return f"{worker_id}:{uuid.uuid4().hex[:12]}"


def picked_ids(session: Session, candidates):
    """`id IN (candidates)` for an UPDATE. On PostgreSQL the candidates are locked FOR UPDATE
    SKIP LOCKED in a MATERIALIZED CTE: as a plain `IN (SELECT ... LIMIT n FOR UPDATE SKIP
    LOCKED)` the planner may run the subquery more than once and update more than n rows."""
    if not is_postgres(session):
        return Reward.id.in_(candidates.scalar_subquery())
    picked = candidates.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
    return Reward.id.in_(select(picked.c.id))


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
    statement = update(Reward).where(picked_ids(session, candidates), Reward.status == "pending")
    statement = (
        statement.values(
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
    with write_gate():
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


def by_token(rewards: list[ClaimedReward]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for reward in rewards:
        grouped[reward.token].append(reward.id)
    return grouped


def held_claims(session: Session, rewards: list[ClaimedReward]) -> set[int]:
    """Ids among `rewards` this worker's claims still hold; on PostgreSQL their rows stay
    locked (FOR UPDATE) until the caller's transaction ends, so nobody reclaims them meanwhile.
    On SQLite the caller's BEGIN IMMEDIATE already keeps every other writer out."""
    held: set[int] = set()
    for token, ids in by_token(rewards).items():
        query = (
            select(Reward.id)
            .where(Reward.id.in_(ids), Reward.status == "issuing", Reward.claimed_by == token)
            .order_by(Reward.id)
        )
        if is_postgres(session):
            query = query.with_for_update()
        held.update(session.execute(query).scalars())
    return held


def mark_issued_many(
    session: Session, issued: list[tuple[ClaimedReward, dict[str, Any]]], now: datetime
) -> int:
    """issuing -> issued for many rewards in one executemany, each guarded by its claim token.
    Returns the rows changed; the caller rolls back unless that is len(issued)."""
    if not issued:
        return 0
    rows = [
        {"b_id": reward.id, "b_token": reward.token, "b_result": result, "b_now": now}
        for reward, result in issued
    ]
    return session.execute(MARK_ISSUED_MANY, rows).rowcount


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
    """Give claims back untouched (e.g. the batch transaction failed as a whole). Commits;
    callers on SQLite hold the write gate already (issue_internal)."""
    now = now or utcnow()
    for token, ids in by_token(rewards).items():
        session.execute(
            update(Reward)
            .where(Reward.id.in_(ids), Reward.status == "issuing", Reward.claimed_by == token)
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


def _in_transaction(session) -> bool:
    target = session() if isinstance(session, scoped_session) else session
    return target.in_transaction()


def reclaim_expired(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """Return rows whose lease expired (their worker died) to pending, or to failed when their
    attempts are used up. Looks first without the write lock (the usual answer is "none").
    Commits; returns (requeued, failed)."""
    now = now or utcnow()
    expired = and_(Reward.status == "issuing", Reward.lease_until < now)
    if not _in_transaction(session):
        with read_only(session) as reader:
            if reader.execute(select(Reward.id).where(expired).limit(1)).first() is None:
                return 0, 0
    with write_gate():
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
