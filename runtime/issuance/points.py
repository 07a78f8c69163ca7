"""The points ledger: append-only entries with the balance maintained in the same transaction.

Points live in a scope: a campaign's id, or 0 for bank-wide points that staff credit (seed 003:
deposits, spending). Credits may expire; debits consume the oldest-expiring credits first, so a
credit's unconsumed part is `clamp(credits up to it - all debits, 0, its amount)`.
Each account keeps `next_expiry_at`, the earliest expiry it has not processed yet, so the
expiry job visits only accounts with something due.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, func, literal, select, update
from sqlalchemy.orm import Session

from core.db import read_only
from core.extensions import db
from core.models import PointsAccount, PointsEntry, utcnow
from core.models.base import UTCDateTime
from runtime.issuance.dialect import insert_ignore, insert_ignore_statement, is_postgres

logger = logging.getLogger(__name__)

_accounts = PointsAccount.__table__
_entries = PointsEntry.__table__
# Built once and reused by every batch (executemany keeps one compiled form).
ADD_TO_ACCOUNT = (
    _accounts.update()
    .where(_accounts.c.id == bindparam("b_id"))
    .values(
        balance=_accounts.c.balance + bindparam("b_delta"),
        next_expiry_at=bindparam("b_next_expiry", type_=UTCDateTime()),
        updated_at=bindparam("b_now", type_=UTCDateTime()),
    )
)
INSERT_ENTRY = _entries.insert()


class InsufficientPoints(Exception):
    """A debit larger than the balance."""


@dataclass(frozen=True)
class Posting:
    entry_id: int
    balance: int
    delta: int


@dataclass(frozen=True)
class Credit:
    """One credit of a bulk posting (`credit_many`)."""

    participant_id: int
    delta: int
    source_key: str
    kind: str = "reward"
    campaign_id: int | None = None
    reward_id: int | None = None
    expires_at: datetime | None = None
    note: str | None = None
    actor: str | None = None

    @property
    def account_key(self) -> tuple[int, int]:
        return (self.participant_id, _scope(self.campaign_id))


def _scope(campaign_id: int | None) -> int:
    return campaign_id or 0


def _earlier_expiry(expires_at: datetime):
    """SQL for `min(next_expiry_at, expires_at)` treating NULL as 'never'."""
    column = PointsAccount.next_expiry_at
    value = literal(expires_at, UTCDateTime())
    return case((column.is_(None), value), (column > value, value), else_=column)


def _apply_delta(
    session: Session,
    participant_id: int,
    scope_id: int,
    delta: int,
    now: datetime,
    expires_at: datetime | None = None,
):
    values = {"balance": PointsAccount.balance + delta, "updated_at": now}
    if expires_at is not None and delta > 0:
        values["next_expiry_at"] = _earlier_expiry(expires_at)
    statement = (
        update(PointsAccount)
        .where(PointsAccount.participant_id == participant_id, PointsAccount.scope_id == scope_id)
        .where(PointsAccount.balance + delta >= 0)
        .values(**values)
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
    row = _apply_delta(session, participant_id, scope_id, delta, now, expires_at)
    if row is None:
        created = insert_ignore(
            session,
            PointsAccount,
            participant_id=participant_id,
            scope_id=scope_id,
            balance=0,
            updated_at=now,
        )
        row = _apply_delta(session, participant_id, scope_id, delta, now, expires_at)
        if row is None:
            if created or delta < 0:
                raise InsufficientPoints(f"balance too low for a debit of {-delta}")
            raise RuntimeError("points account vanished")
    account_id, balance_after = row
    entry_id = session.execute(
        INSERT_ENTRY.values(
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
        ).returning(_entries.c.id)
    ).scalar_one()
    return Posting(entry_id=entry_id, balance=balance_after, delta=delta)


def _lock_accounts(session: Session, keys: set[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    """(participant, scope) -> (id, balance, next_expiry_at), rows locked on PostgreSQL in id
    order (every writer locks accounts in that order, so batches cannot deadlock)."""
    query = (
        select(
            PointsAccount.participant_id,
            PointsAccount.scope_id,
            PointsAccount.id,
            PointsAccount.balance,
            PointsAccount.next_expiry_at,
        )
        .where(
            PointsAccount.participant_id.in_(sorted({p for p, _ in keys})),
            PointsAccount.scope_id.in_(sorted({s for _, s in keys})),
        )
        .order_by(PointsAccount.id)
    )
    if is_postgres(session):
        query = query.with_for_update()
    found = {(r[0], r[1]): (r[2], r[3], r[4]) for r in session.execute(query)}
    return {key: value for key, value in found.items() if key in keys}


def credit_many(session: Session, credits: list[Credit], now: datetime) -> list[int]:
    """Post many credits in the caller's transaction with a handful of statements whatever
    their number: lock the accounts, create missing ones, move each account's balance once,
    insert every entry in one executemany. Returns each credit's balance after it, in order.
    A source_key already in the ledger raises IntegrityError (UNIQUE) and nothing is written."""
    if not credits:
        return []
    if any(credit.delta <= 0 for credit in credits):
        raise ValueError("delta: credit_many only takes positive credits")
    keys = {credit.account_key for credit in credits}
    accounts = _lock_accounts(session, keys)
    missing = keys - accounts.keys()
    if missing:
        session.execute(
            insert_ignore_statement(session, PointsAccount),
            [
                {"participant_id": p, "scope_id": s, "balance": 0, "updated_at": now}
                for p, s in sorted(missing)
            ],
        )
        accounts = _lock_accounts(session, keys)
    totals: dict[tuple[int, int], int] = defaultdict(int)
    next_expiry = {key: accounts[key][2] for key in keys}
    for credit in credits:
        totals[credit.account_key] += credit.delta
        if credit.expires_at is not None:
            current = next_expiry[credit.account_key]
            next_expiry[credit.account_key] = min(filter(None, (current, credit.expires_at)))
    ordered = sorted(keys, key=lambda key: accounts[key][0])
    session.execute(
        ADD_TO_ACCOUNT,
        [
            {
                "b_id": accounts[key][0],
                "b_delta": totals[key],
                "b_next_expiry": next_expiry[key],
                "b_now": now,
            }
            for key in ordered
        ],
    )
    running = {key: accounts[key][1] for key in keys}
    balances, entries = [], []
    for credit in credits:
        key = credit.account_key
        running[key] += credit.delta
        balances.append(running[key])
        entries.append(
            {
                "account_id": accounts[key][0],
                "participant_id": credit.participant_id,
                "campaign_id": credit.campaign_id,
                "reward_id": credit.reward_id,
                "kind": credit.kind,
                "delta": credit.delta,
                "balance_after": running[key],
                "source_key": credit.source_key,
                "expires_at": credit.expires_at,
                "note": credit.note,
                "actor": credit.actor,
                "created_at": now,
            }
        )
    session.execute(INSERT_ENTRY, entries)
    return balances


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
    """Post expiry debits for this account's credits that expired, then move the account's
    `next_expiry_at` past them. Returns the points expired."""
    account = session.execute(
        update(PointsAccount)
        .where(PointsAccount.id == account_id)
        .values(updated_at=now)
        .returning(PointsAccount.participant_id, PointsAccount.scope_id)
    ).first()  # takes the account's row lock before reading its entries
    if account is None:
        return 0
    rows = session.execute(
        select(
            PointsEntry.id, PointsEntry.delta, PointsEntry.expires_at, PointsEntry.source_key
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
        if amount > 0:
            post(
                session,
                participant_id=account.participant_id,
                campaign_id=account.scope_id or None,
                delta=-amount,
                kind="expiry",
                source_key=f"expiry:{entry_id}",
                note=f"points of entry {entry_id} expired",
                now=now,
            )
            debits += amount
            expired_total += amount
    upcoming = [expires for _, _, expires in credits if expires is not None and expires > now]
    session.execute(
        update(PointsAccount)
        .where(PointsAccount.id == account_id)
        .values(next_expiry_at=min(upcoming) if upcoming else None)
    )
    return expired_total


def expire_due(session: Session, now: datetime | None = None, limit: int = 1000) -> int:
    """Expire credits whose time has come, visiting only accounts with an expiry due (up to
    `limit` per call, earliest first); commits per account. Returns the points expired."""
    now = now or utcnow()
    account_ids = (
        session.execute(
            select(PointsAccount.id)
            .where(PointsAccount.next_expiry_at <= now)
            .order_by(PointsAccount.next_expiry_at, PointsAccount.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    total = 0
    for account_id in account_ids:
        total += expire_account(session, account_id, now)
        session.commit()
    return total
