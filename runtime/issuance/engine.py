"""Issuing claimed rewards.

Internal issuers (points, coupons, red packets, physical queue, none) write their effect and
flip the reward to `issued` in ONE transaction per batch, so an effect is committed exactly
when its reward is marked issued under our claim. The batch first takes the bulk path: the
claims are checked (and locked on PostgreSQL), each kind writes all its effects with a few
statements (`Issuer.issue_many`), and one executemany marks them issued, guarded by the claim
token. If anything in that fails, the transaction is rolled back and the batch is redone one
savepoint per reward, so one bad reward cannot hold back the others.
External issuers (webhook) are called outside any transaction, in a small thread pool, and
the outcomes are recorded afterwards; the endpoint deduplicates on the Idempotency-Key.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import read_only
from core.models import Participant, utcnow
from runtime.issuance.claim import (
    backoff_seconds,
    held_claims,
    mark_failed_attempt,
    mark_issued,
    mark_issued_many,
    release,
)
from runtime.issuance.issuers.base import BulkOutcome, ClaimedReward, IssueError, Issuer
from runtime.issuance.settings import IssuanceSettings
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)


class BulkBatchFailed(RuntimeError):
    """The bulk path could not account for every reward; the batch is redone one by one."""


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


def _savepoint_each(
    session: Session, issuer: Issuer, rewards: list[ClaimedReward], now: datetime
) -> BulkOutcome:
    """A non-bulk issuer inside the bulk transaction: one savepoint per reward."""
    outcome = BulkOutcome()
    for reward in rewards:
        savepoint = session.begin_nested()
        try:
            outcome.results[reward.id] = issuer.issue(session, reward, now)
            savepoint.commit()
        except Exception as exc:  # noqa: BLE001 - any issuer error is recorded on the row
            savepoint.rollback()
            outcome.errors[reward.id] = (
                exc if isinstance(exc, IssueError) else IssueError(f"{type(exc).__name__}: {exc}")
            )
    return outcome


def _refused(issuer: Issuer, rewards: list[ClaimedReward]) -> dict[int, IssueError]:
    """Rewards whose payload their kind refuses (they fail permanently, unissued)."""
    refused = {}
    for reward in rewards:
        try:
            issuer.check_payload(reward)
        except IssueError as exc:
            refused[reward.id] = exc
    return refused


def _issue_bulk(session, rewards, issuers, settings, now) -> BatchReport:
    report = BatchReport()
    held = held_claims(session, rewards)
    report.lost = [r.id for r in rewards if r.id not in held]
    by_kind: dict[str, list[ClaimedReward]] = defaultdict(list)
    for reward in rewards:
        if reward.id in held:
            by_kind[reward.kind].append(reward)
    issued: list[tuple[ClaimedReward, dict]] = []
    for kind in sorted(by_kind):
        issuer = issuers[kind]
        group = sorted(by_kind[kind], key=issuer.lock_key)
        refused = _refused(issuer, group)
        valid = [r for r in group if r.id not in refused]
        if issuer.bulk:
            outcome = issuer.issue_many(session, valid, now) if valid else BulkOutcome()
        else:
            outcome = _savepoint_each(session, issuer, valid, now)
        outcome.errors.update(refused)
        answered = outcome.results.keys() | outcome.errors.keys()
        if answered != {r.id for r in group} or outcome.results.keys() & outcome.errors.keys():
            raise BulkBatchFailed(f"{kind}: issue_many did not account for every reward")
        for reward in group:
            if reward.id in outcome.results:
                issued.append((reward, outcome.results[reward.id]))
            else:
                _record_failure(session, reward, outcome.errors[reward.id], settings, report, now)
    issued.sort(key=lambda item: item[0].id)
    if mark_issued_many(session, issued, now) != len(issued):
        raise BulkBatchFailed("a claim was lost while the batch was being written")
    report.issued = [reward.id for reward, _ in issued]
    return report


def _issue_each(session, rewards, issuers, settings) -> BatchReport:
    """The fallback: one savepoint per reward, claim checked per reward."""
    report = BatchReport()
    now = utcnow()
    ordered = sorted(rewards, key=lambda r: (r.kind, issuers[r.kind].lock_key(r)))
    try:
        for reward in ordered:
            savepoint = session.begin_nested()
            try:
                issuers[reward.kind].check_payload(reward)
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


def issue_internal(
    session: Session,
    rewards: list[ClaimedReward],
    issuers: dict[str, Issuer],
    settings: IssuanceSettings,
) -> BatchReport:
    """Apply internal rewards in one transaction: in bulk, else one savepoint each. On SQLite
    the transaction runs inside the runtime's write gate, so draws queue on it instead of
    polling SQLite's busy handler while a batch is written."""
    if not rewards:
        return BatchReport()
    with write_gate():
        try:
            report = _issue_bulk(session, rewards, issuers, settings, utcnow())
            session.commit()
            return report
        except Exception:  # noqa: BLE001 - redone one by one, where each error lands on its row
            session.rollback()
            logger.warning(
                "bulk issuance of %s rewards failed; redoing them one savepoint each",
                len(rewards),
                exc_info=True,
            )
        return _issue_each(session, rewards, issuers, settings)


def _with_participants(session: Session, rewards: list[ClaimedReward]) -> list[ClaimedReward]:
    ids = {r.participant_id for r in rewards}
    with read_only(session) as reader:
        rows = reader.execute(
            select(Participant.id, Participant.external_id, Participant.channel_id).where(
                Participant.id.in_(ids)
            )
        ).all()
    known = {row.id: {"external_id": row.external_id, "channel_id": row.channel_id} for row in rows}
    return [
        replace(r, extra={**r.extra, "participant": known.get(r.participant_id)}) for r in rewards
    ]


def _deliver(issuer: Issuer, reward: ClaimedReward):
    try:
        issuer.check_payload(reward)
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
    with write_gate():
        _record_outcomes(session, outcomes, settings, report, now)
    return report


def _record_outcomes(session, outcomes, settings, report, now) -> None:
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
