"""The points ledger: append-only entries with the balance maintained in the same transaction.

Points live in a scope: a campaign's id, or 0 for bank-wide points that staff credit (seed 003:
deposits, spending). Credits may expire; debits consume the oldest-expiring credits first, so a
credit's unconsumed part is `clamp(credits up to it - all debits, 0, its amount)`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.db import read_only
from core.extensions import db
from core.models import PointsAccount, PointsEntry, utcnow
from runtime.issuance.dialect import insert_ignore

logger = logging.getLogger(__name__)


class InsufficientPoints(Exception):
    """A debit larger than the balance."""


@dataclass(frozen=True)
class Posting:
    entry_id: int
    balance: int
    delta: int


def _scope(campaign_id: int | None) -> int:
    return campaign_id or 0


def _apply_delta(session: Session, participant_id: int, scope_id: int, delta: int, now: datetime):
    statement = (
        update(PointsAccount)
        .where(PointsAccount.participant_id == participant_id, PointsAccount.scope_id == scope_id)
        .where(PointsAccount.balance + delta >= 0)
        .values(balance=PointsAccount.balance + delta, updated_at=now)
        .returning(PointsAccount.id, PointsAccount.balance)
    )
    return session.execute(statement).first()


def post(
    session: Session,
    *,
    participant_id: int,
    delta: int,
    kind: str,
    source_key: str,
    campaign_id: int | None = None,
    reward_id: int | None = None,
    expires_at: datetime | None = None,
    note: str | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> Posting:
    """Append one entry and move the balance, in the caller's transaction."""
    if delta == 0:
        raise ValueError("delta: a points entry cannot be zero")
    now = now or utcnow()
    scope_id = _scope(campaign_id)
    row = _apply_delta(session, participant_id, scope_id, delta, now)
    if row is None:
        created = insert_ignore(
            session,
            PointsAccount,
            participant_id=participant_id,
            scope_id=scope_id,
            balance=0,
            updated_at=now,
        )
        row = _apply_delta(session, participant_id, scope_id, delta, now)
        if row is None:
            if created or delta < 0:
                raise InsufficientPoints(f"balance too low for a debit of {-delta}")
            raise RuntimeError("points account vanished")
    account_id, balance_after = row
    entry_id = session.execute(
        PointsEntry.__table__.insert()
        .values(
            account_id=account_id,
            participant_id=participant_id,
            campaign_id=campaign_id,
            reward_id=reward_id,
            kind=kind,
            delta=delta,
            balance_after=balance_after,
            source_key=source_key,
            expires_at=expires_at,
            note=note,
            actor=actor,
            created_at=now,
        )
        .returning(PointsEntry.id)
    ).scalar_one()
    return Posting(entry_id=entry_id, balance=balance_after, delta=delta)


def balance(participant_id: int, campaign_id: int | None = None, session: Session | None = None):
    """Points balance in one campaign's scope, or across every scope when campaign_id is None."""
    query = select(func.coalesce(func.sum(PointsAccount.balance), 0)).where(
        PointsAccount.participant_id == participant_id
    )
    if campaign_id is not None:
        query = query.where(PointsAccount.scope_id == campaign_id)
    if session is None and db.session().in_transaction():
        session = db.session
    if session is not None:
        return int(session.execute(query).scalar_one())
    with read_only(db.session) as reader:
        return int(reader.execute(query).scalar_one())


def _unconsumed(entries: list[tuple[int, int, datetime | None]], debits: int) -> dict[int, int]:
    """Per credit id, the part no debit has consumed, oldest-expiring first."""
    ordered = sorted(entries, key=lambda e: (e[2] is None, e[2] or datetime.max, e[0]))
    left, cumulative = {}, 0
    for entry_id, amount, _expires in ordered:
        cumulative += amount
        left[entry_id] = max(0, min(amount, cumulative - debits))
    return left


def expire_account(session: Session, account_id: int, now: datetime) -> int:
    """Post expiry debits for this account's credits that expired; returns points expired."""
    session.execute(
        update(PointsAccount).where(PointsAccount.id == account_id).values(updated_at=now)
    )  # takes the account's row lock before reading its entries
    rows = session.execute(
        select(
            PointsEntry.id,
            PointsEntry.delta,
            PointsEntry.expires_at,
            PointsEntry.source_key,
            PointsEntry.participant_id,
            PointsEntry.campaign_id,
        ).where(PointsEntry.account_id == account_id)
    ).all()
    credits = [(r.id, r.delta, r.expires_at) for r in rows if r.delta > 0]
    debits = -sum(r.delta for r in rows if r.delta < 0)
    done = {r.source_key for r in rows if r.source_key.startswith("expiry:")}
    expired_total = 0
    for entry_id, _amount, expires_at in sorted(credits, key=lambda c: (c[2] or now, c[0])):
        if expires_at is None or expires_at > now or f"expiry:{entry_id}" in done:
            continue
        amount = _unconsumed(credits, debits).get(entry_id, 0)
        first = rows[0]
        if amount > 0:
            post(
                session,
                participant_id=first.participant_id,
                campaign_id=next(r.campaign_id for r in rows if r.id == entry_id),
                delta=-amount,
                kind="expiry",
                source_key=f"expiry:{entry_id}",
                note=f"points of entry {entry_id} expired",
                now=now,
            )
            debits += amount
            expired_total += amount
    return expired_total


def expire_due(session: Session, now: datetime | None = None, limit: int = 1000) -> int:
    """Expire every credit whose time has come; returns the points expired."""
    now = now or utcnow()
    account_ids = (
        session.execute(
            select(PointsEntry.account_id)
            .where(PointsEntry.expires_at <= now, PointsEntry.delta > 0)
            .distinct()
            .limit(limit)
        )
        .scalars()
        .all()
    )
    return sum(expire_account(session, account_id, now) for account_id in sorted(account_ids))
