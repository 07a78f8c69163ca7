"""Issuing claimed rewards.

Internal issuers (points, coupons, red packets, physical queue, none) write their effect and
flip the reward to `issued` in ONE transaction per batch, each reward inside its own
savepoint: the effect is committed exactly when the reward is marked issued under our claim.
External issuers (webhook) are called outside any transaction, in a small thread pool, and
the outcomes are recorded afterwards; the endpoint deduplicates on the Idempotency-Key.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Participant, utcnow
from runtime.issuance.claim import (
    backoff_seconds,
    mark_failed_attempt,
    mark_issued,
    release,
)
from runtime.issuance.issuers.base import ClaimedReward, IssueError, Issuer
from runtime.issuance.settings import IssuanceSettings

logger = logging.getLogger(__name__)


@dataclass
class BatchReport:
    issued: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)  # claim taken over by another worker

    def merge(self, other: BatchReport) -> None:
        self.issued += other.issued
        self.retried += other.retried
        self.failed += other.failed
        self.lost += other.lost

    @property
    def total(self) -> int:
        return len(self.issued) + len(self.retried) + len(self.failed) + len(self.lost)


def _record_failure(session, reward, exc, settings, report, now) -> None:
    permanent = isinstance(exc, IssueError) and exc.permanent
    message = str(exc) if isinstance(exc, IssueError) else f"{type(exc).__name__}: {exc}"
    delay = backoff_seconds(
        reward.attempts, settings.backoff_base_seconds, settings.backoff_cap_seconds
    )
    if isinstance(exc, IssueError) and exc.retry_after:
        delay = max(delay, min(exc.retry_after, settings.backoff_cap_seconds))
    status = mark_failed_attempt(
        session, reward, message, now, permanent=permanent, delay_seconds=delay
    )
    (report.failed if status == "failed" else report.retried).append(reward.id)
    logger.warning(
        "reward %s attempt %s failed (%s): %s", reward.id, reward.attempts, status, message
    )


def issue_internal(
    session: Session,
    rewards: list[ClaimedReward],
    issuers: dict[str, Issuer],
    settings: IssuanceSettings,
) -> BatchReport:
    """Apply internal rewards in one transaction, one savepoint each, locks in global order."""
    report = BatchReport()
    if not rewards:
        return report
    now = utcnow()
    ordered = sorted(rewards, key=lambda r: (r.kind, issuers[r.kind].lock_key(r)))
    try:
        for reward in ordered:
            savepoint = session.begin_nested()
            try:
                result = issuers[reward.kind].issue(session, reward, now)
                if not mark_issued(session, reward, result, now):
                    savepoint.rollback()
                    report.lost.append(reward.id)
                    continue
                savepoint.commit()
                report.issued.append(reward.id)
            except Exception as exc:  # noqa: BLE001 - any issuer error is recorded on the row
                savepoint.rollback()
                _record_failure(session, reward, exc, settings, report, now)
        session.commit()
    except Exception:
        session.rollback()
        logger.exception("issuance batch of %s rewards failed as a whole; releasing", len(rewards))
        release(session, rewards)
        raise
    return report


def _with_participants(session: Session, rewards: list[ClaimedReward]) -> list[ClaimedReward]:
    ids = {r.participant_id for r in rewards}
    rows = session.execute(
        select(Participant.id, Participant.external_id, Participant.channel_id).where(
            Participant.id.in_(ids)
        )
    ).all()
    session.rollback()
    known = {row.id: {"external_id": row.external_id, "channel_id": row.channel_id} for row in rows}
    return [
        replace(r, extra={**r.extra, "participant": known.get(r.participant_id)}) for r in rewards
    ]


def _deliver(issuer: Issuer, reward: ClaimedReward):
    try:
        return reward, issuer.deliver(reward), None
    except Exception as exc:  # noqa: BLE001 - recorded on the row
        return reward, None, exc


def issue_external(
    session: Session,
    rewards: list[ClaimedReward],
    issuers: dict[str, Issuer],
    settings: IssuanceSettings,
    pool: ThreadPoolExecutor | None = None,
) -> BatchReport:
    """Deliver external rewards outside any transaction, then record the outcomes."""
    report = BatchReport()
    if not rewards:
        return report
    rewards = _with_participants(session, rewards)
    if pool is None or len(rewards) == 1:
        outcomes = [_deliver(issuers[r.kind], r) for r in rewards]
    else:
        outcomes = list(pool.map(lambda r: _deliver(issuers[r.kind], r), rewards))
    now = utcnow()
    try:
        for reward, result, error in outcomes:
            if error is None:
                if mark_issued(session, reward, result, now):
                    report.issued.append(reward.id)
                else:
                    report.lost.append(reward.id)
            else:
                _record_failure(session, reward, error, settings, report, now)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report
