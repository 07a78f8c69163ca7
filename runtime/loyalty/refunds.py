"""Refunds of exchange parts whose reward failed (a dead letter) or was cancelled.

Each part is refunded in its own transaction, exactly once: the part's `refunded_at` is set
by a guarded UPDATE (a second refunder changes nothing), the failed reward is closed as
`cancelled` in the same transaction (so a staff retry can no longer issue what was paid
back), the points go back as the credits they were spent from (each with its own expiry,
source key `refund:<reward id>:<n>`, UNIQUE) and the unit goes back to the right's stock.

The issuance loop refunds the rewards a batch failed at once and sweeps every
SWEEP_EVERY_SECONDS for the rest (cancelled by staff, failed by the reclaimer).
Only core, the points ledger and the write gate are imported: the lean loop processes
(runtime/issuance/process.py) run this.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.models import Exchange, ExchangePart, MallStock, Reward, utcnow
from runtime.issuance import points
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 30
RECENTLY_CANCELLED = timedelta(days=2)


def _slices(exchange: Exchange, part: int) -> list[list]:
    from runtime.loyalty.spending import part_slices

    return part_slices(exchange.consumed or [], exchange.unit_price, part)


def refund_part(session: Session, part_id: int, now: datetime | None = None) -> int:
    """Refund one exchange part if its reward failed or was cancelled and it was not refunded
    yet; commits. Returns the points refunded (0: nothing to do)."""
    now = now or utcnow()
    with write_gate():
        try:
            refunded = _refund(session, part_id, now)
            session.commit()
        except Exception:
            session.rollback()
            raise
    if refunded:
        logger.info("exchange part %s refunded %s points", part_id, refunded)
    return refunded


def _refund(session: Session, part_id: int, now: datetime) -> int:
    claimed = session.execute(
        update(ExchangePart)
        .where(ExchangePart.id == part_id, ExchangePart.refunded_at.is_(None))
        .values(refunded_at=now)
        .returning(ExchangePart.exchange_id, ExchangePart.part, ExchangePart.reward_id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        return 0
    closed = session.execute(
        update(Reward)
        .where(Reward.id == claimed.reward_id, Reward.status.in_(("failed", "cancelled")))
        .values(status="cancelled", claimed_by=None, lease_until=None, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != 1:  # retried meanwhile, or issued: nothing to give back
        session.rollback()
        return 0
    exchange = session.get(Exchange, claimed.exchange_id)
    total = 0
    for n, (_entry, expires_at, amount) in enumerate(_slices(exchange, claimed.part)):
        points.post(
            session,
            participant_id=exchange.participant_id,
            campaign_id=exchange.scope_id or None,
            reward_id=claimed.reward_id,
            delta=amount,
            kind="adjust",
            source_key=f"refund:{claimed.reward_id}:{n}",
            expires_at=datetime.fromisoformat(expires_at) if expires_at else None,
            note=f"refund of exchange {exchange.id} part {claimed.part}",
            now=now,
        )
        total += amount
    session.execute(
        update(MallStock)
        .where(
            MallStock.campaign_id == exchange.campaign_id,
            MallStock.item_key == exchange.item_key,
            MallStock.taken > 0,
        )
        .values(taken=MallStock.taken - 1, updated_at=now)
    )
    return total


def refundable(session: Session, reward_ids: list[int] | None = None, limit: int = 200):
    """Parts not refunded whose reward failed, or was cancelled recently (by staff, or by a
    refund that was rolled back): the ids to refund."""
    now = utcnow()
    since = now - RECENTLY_CANCELLED
    query = (
        select(ExchangePart.id)
        .join(Reward, Reward.id == ExchangePart.reward_id)
        .where(ExchangePart.refunded_at.is_(None))
        .order_by(ExchangePart.id)
        .limit(limit)
    )
    if reward_ids is not None:
        query = query.where(Reward.id.in_(reward_ids), Reward.status.in_(("failed", "cancelled")))
    else:
        query = query.where(
            or_(
                Reward.status == "failed",
                (Reward.status == "cancelled") & (Reward.updated_at >= since),
            )
        )
    return list(session.scalars(query))


def refund_failed(session: Session, reward_ids: list[int] | None = None) -> int:
    """Refund every refundable part (of `reward_ids`, or any); commits each refund; returns
    the points refunded. Looks first without the write lock: the usual answer is "none"."""
    from sqlalchemy.orm import scoped_session

    from core.db import read_only

    target = session() if isinstance(session, scoped_session) else session
    if not target.in_transaction():
        with read_only(session) as reader:
            parts = refundable(reader, reward_ids)
    else:
        parts = refundable(session, reward_ids)
    return sum(refund_part(session, part_id) for part_id in parts)
