"""Spending points: the account a mall debits, what of it can be spent now (expired credits
cannot, even before the hourly expiry job has posted them), and which credits a debit uses.

Debits consume the oldest-expiring credits first (`runtime.issuance.points`); `consume`
names them, so a refund can give each point back with the expiry it had.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import PointsAccount, PointsEntry
from runtime.issuance import points
from runtime.issuance.dialect import is_postgres

# the ledger's one definition of "oldest-expiring first"
unconsumed = points._unconsumed


def account_scope(bundle: dict[str, Any], campaign_id: int) -> int:
    """The points scope a campaign's mall spends: its own points, or bank-wide (0)."""
    mall = bundle.get("mall") or {}
    return 0 if mall.get("points_from") == "bank" else campaign_id


def lock_account(session: Session, participant_id: int, scope_id: int):
    """The account row (id, balance, next_expiry_at), locked on PostgreSQL (every exchange of
    a person takes this lock first, so their exchanges run one at a time); None if none."""
    query = select(PointsAccount.id, PointsAccount.balance, PointsAccount.next_expiry_at).where(
        PointsAccount.participant_id == participant_id, PointsAccount.scope_id == scope_id
    )
    if is_postgres(session):
        query = query.with_for_update()
    return session.execute(query).first()


def _credits_and_debits(session: Session, account_id: int):
    rows = session.execute(
        select(PointsEntry.id, PointsEntry.delta, PointsEntry.expires_at).where(
            PointsEntry.account_id == account_id
        )
    ).all()
    credits = [(r.id, r.delta, r.expires_at) for r in rows if r.delta > 0]
    debits = -sum(r.delta for r in rows if r.delta < 0)
    return credits, debits


def spendable(session: Session, participant_id: int, scope_id: int, now: datetime) -> int:
    """The balance less credits that have expired but not been posted as expired yet."""
    account = session.execute(
        select(PointsAccount.id, PointsAccount.balance, PointsAccount.next_expiry_at).where(
            PointsAccount.participant_id == participant_id, PointsAccount.scope_id == scope_id
        )
    ).first()
    if account is None:
        return 0
    if account.next_expiry_at is None or account.next_expiry_at > now:
        return int(account.balance)
    credits, debits = _credits_and_debits(session, account.id)
    left = unconsumed(credits, debits)
    expired = sum(left[i] for i, _, exp in credits if exp is not None and exp <= now)
    return max(0, int(account.balance) - expired)


def expire_due(session: Session, account, now: datetime) -> int:
    """Post the account's due expiries now (in the caller's transaction); the balance after."""
    if account.next_expiry_at is not None and account.next_expiry_at <= now:
        points.expire_account(session, account.id, now)
        return int(
            session.scalar(select(PointsAccount.balance).where(PointsAccount.id == account.id))
        )
    return int(account.balance)


def consume(session: Session, account_id: int, amount: int) -> list[list[Any]]:
    """The credits a debit of `amount` uses, oldest-expiring first:
    [[entry id, expires_at ISO or None, points], ...] (call before posting the debit)."""
    credits, debits = _credits_and_debits(session, account_id)
    left = unconsumed(credits, debits)
    order = sorted(credits, key=lambda c: (c[2] is None, c[2] or datetime.max, c[0]))
    slices, need = [], amount
    for entry_id, _amount, expires_at in order:
        take = min(left.get(entry_id, 0), need)
        if take > 0:
            slices.append([entry_id, expires_at.isoformat() if expires_at else None, take])
            need -= take
        if need == 0:
            break
    return slices


def part_slices(consumed: list[list[Any]], unit: int, part: int) -> list[list[Any]]:
    """The slices of `consumed` that paid for part `part` (each part cost `unit` points,
    parts paid in order)."""
    start, end = part * unit, (part + 1) * unit
    out, position = [], 0
    for entry_id, expires_at, amount in consumed:
        lo, hi = max(start, position), min(end, position + amount)
        if hi > lo:
            out.append([entry_id, expires_at, hi - lo])
        position += amount
    return out
