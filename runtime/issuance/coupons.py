"""Coupon code pools (the rights library, seed 003): CSV upload, atomic assignment, redemption."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from core.models import CouponCode, CouponPool, utcnow
from runtime.issuance.dialect import is_postgres

logger = logging.getLogger(__name__)

MAX_CODE_LENGTH = 128

_codes = CouponCode.__table__
ASSIGN_CODE = (
    _codes.update()
    .where(_codes.c.id == bindparam("b_id"), _codes.c.reward_id.is_(None))
    .values(
        reward_id=bindparam("b_reward"),
        assigned_at=bindparam("b_now"),
        valid_until=bindparam("b_valid_until"),
    )
)


class CouponError(ValueError):
    """Bad pool settings or CSV content; the message names the field or line."""


@dataclass
class UploadReport:
    pool_key: str
    added: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool_key,
            "added": self.added,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }


def pool_by_key(session: Session, key: str) -> CouponPool | None:
    return session.execute(select(CouponPool).where(CouponPool.key == key)).scalar_one_or_none()


def assign_code(
    session: Session, pool_id: int, reward_id: int, now: datetime, valid_until: datetime | None
) -> str | None:
    """Give one unused code of the pool to the reward. A second code for the same reward is
    refused by UNIQUE(reward_id); the caller's claim guard makes that unreachable."""
    free = (
        select(CouponCode.id)
        .where(CouponCode.pool_id == pool_id, CouponCode.reward_id.is_(None))
        .limit(1)
    )
    if is_postgres(session):  # a MATERIALIZED CTE runs once (see claim.picked_ids)
        picked = free.with_for_update(skip_locked=True).cte("free").prefix_with("MATERIALIZED")
        chosen = CouponCode.id.in_(select(picked.c.id))
    else:
        chosen = CouponCode.id == free.scalar_subquery()
    statement = (
        update(CouponCode)
        .where(chosen, CouponCode.reward_id.is_(None))
        .values(reward_id=reward_id, assigned_at=now, valid_until=valid_until)
        .returning(CouponCode.code)
    )
    return session.execute(statement).scalar_one_or_none()


def assign_codes(
    session: Session,
    pool_id: int,
    rewards: list[tuple[int, datetime | None]],
    now: datetime,
) -> dict[int, str]:
    """Give one unused code of the pool to each (reward id, valid until), in two statements
    whatever their number; when the pool runs short, the first rewards get the codes left.
    Returns reward id -> code. Rows are taken FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite's
    BEGIN IMMEDIATE already excludes other writers); a code taken meanwhile raises."""
    if not rewards:
        return {}
    free = (
        select(CouponCode.id, CouponCode.code)
        .where(CouponCode.pool_id == pool_id, CouponCode.reward_id.is_(None))
        .limit(len(rewards))
    )
    if is_postgres(session):
        free = free.with_for_update(skip_locked=True)
    pairs = list(zip(rewards, session.execute(free).all(), strict=False))
    if not pairs:
        return {}
    changed = session.execute(
        ASSIGN_CODE,
        [
            {"b_id": code_id, "b_reward": reward_id, "b_now": now, "b_valid_until": valid_until}
            for (reward_id, valid_until), (code_id, _code) in pairs
        ],
    ).rowcount
    if changed != len(pairs):
        raise RuntimeError(f"coupon codes of pool {pool_id} changed under the batch")
    return {reward_id: code for (reward_id, _), (_, code) in pairs}


def _parse_codes(text: str, report: UploadReport) -> list[str]:
    codes: list[str] = []
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip():
            continue
        code = row[0].strip()
        if line_number == 1 and code.lower() in ("code", "codes", "券码"):
            continue
        if len(code) > MAX_CODE_LENGTH:
            report.errors.append(f"line {line_number}: code longer than {MAX_CODE_LENGTH}")
            continue
        codes.append(code)
    return codes


def upload_codes(
    session: Session,
    pool_key: str,
    csv_text: str,
    *,
    name: str | None = None,
    valid_days: int | None = None,
    message: str | None = None,
    redemption_limit: int = 1,
    campaign_id: int | None = None,
) -> UploadReport:
    """Create the pool if needed and add the CSV's codes (first column; a header row is
    skipped; codes already in the pool are counted as duplicates). Caller commits."""
    if not pool_key or len(pool_key) > 64:
        raise CouponError("pool: a key of 1 to 64 characters is required")
    if valid_days is not None and valid_days <= 0:
        raise CouponError("valid_days: must be a positive number of days")
    if redemption_limit < 1:
        raise CouponError("redemption_limit: must be at least 1")
    report = UploadReport(pool_key)
    codes = _parse_codes(csv_text, report)
    if report.errors:
        raise CouponError("; ".join(report.errors[:5]))
    pool = pool_by_key(session, pool_key)
    if pool is None:
        pool = CouponPool(
            key=pool_key,
            name=name or pool_key,
            valid_days=valid_days,
            message=message,
            redemption_limit=redemption_limit,
            campaign_id=campaign_id,
        )
        session.add(pool)
        session.flush()
    known = set(
        session.execute(select(CouponCode.code).where(CouponCode.pool_id == pool.id)).scalars()
    )
    fresh = []
    for code in codes:
        if code in known:
            report.duplicates += 1
            continue
        known.add(code)
        fresh.append({"pool_id": pool.id, "code": code, "redemptions": 0, "created_at": utcnow()})
    if fresh:
        session.execute(CouponCode.__table__.insert(), fresh)
    report.added = len(fresh)
    return report


def pool_stats(session: Session, pool_key: str) -> dict[str, Any] | None:
    pool = pool_by_key(session, pool_key)
    if pool is None:
        return None
    total, used = session.execute(
        select(func.count(CouponCode.id), func.count(CouponCode.reward_id)).where(
            CouponCode.pool_id == pool.id
        )
    ).one()
    return {
        "pool": pool.key,
        "name": pool.name,
        "total": total,
        "assigned": used,
        "left": total - used,
    }


def redeem(session: Session, code: str, pool_key: str, now: datetime | None = None) -> int:
    """Count one redemption of an assigned, still valid code; returns redemptions so far."""
    now = now or utcnow()
    pool = pool_by_key(session, pool_key)
    if pool is None:
        raise CouponError(f"pool: no pool {pool_key!r}")
    statement = (
        update(CouponCode)
        .where(
            CouponCode.pool_id == pool.id,
            CouponCode.code == code,
            CouponCode.reward_id.is_not(None),
            CouponCode.redemptions < pool.redemption_limit,
            (CouponCode.valid_until.is_(None)) | (CouponCode.valid_until >= now),
        )
        .values(redemptions=CouponCode.redemptions + 1)
        .returning(CouponCode.redemptions)
    )
    count = session.execute(statement).scalar_one_or_none()
    if count is None:
        raise CouponError(f"code: {code!r} is unknown, unassigned, expired or fully redeemed")
    return count
