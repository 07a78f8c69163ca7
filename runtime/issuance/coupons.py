"""Coupon code pools (the rights library, seed 003): CSV upload, atomic assignment, redemption."""

from __future__ import annotations

import csv
import io
import logging
import re
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
    """Bad pool settings or CSV content. `field` names the form field (pool, file,
    valid_days, redemption_limit), `code` the problem; an upload refused for its lines carries
    the report listing every refused line."""

    def __init__(
        self, field: str, code: str, message: str, report: UploadReport | None = None
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.code, self.report = field, code, report


# why a line of a code file is refused (the studio words them; the CLI prints the English)
LINE_REASONS = {
    "too_long": f"code longer than {MAX_CODE_LENGTH}",
    "control_character": "code contains a control character",
}
POOL_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HEADERS = ("code", "codes", "券码")


@dataclass
class UploadReport:
    pool_key: str
    added: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"line", "reason"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool_key,
            "added": self.added,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }

    def error_text(self, limit: int = 5) -> str:
        shown = [f"line {e['line']}: {LINE_REASONS[e['reason']]}" for e in self.errors[:limit]]
        more = len(self.errors) - limit
        return "; ".join(shown) + (f" (and {more} more lines)" if more > 0 else "")


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
    """The first column of each line, header and blank lines skipped; each refused line is
    added to the report with its number and reason."""
    codes: list[str] = []
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip():
            continue
        code = row[0].strip()
        if line_number == 1 and code.lower() in HEADERS:
            continue
        if len(code) > MAX_CODE_LENGTH:
            report.errors.append({"line": line_number, "reason": "too_long"})
        elif any(ord(ch) < 32 or ord(ch) == 127 for ch in code):
            report.errors.append({"line": line_number, "reason": "control_character"})
        else:
            codes.append(code)
    return codes


def check_pool_settings(pool_key: str, valid_days: int | None, redemption_limit: int) -> None:
    if not POOL_KEY.match(pool_key or ""):
        raise CouponError(
            "pool",
            "invalid_key",
            "a key of 1 to 64 lowercase letters, digits, '-' or '_' is required",
        )
    if valid_days is not None and valid_days <= 0:
        raise CouponError("valid_days", "range", "must be a positive number of days")
    if redemption_limit < 1:
        raise CouponError("redemption_limit", "range", "must be at least 1")


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
    skipped; codes already in the pool are counted as duplicates). All or nothing: a file with
    a refused line, or without a single code, adds nothing. Caller commits."""
    check_pool_settings(pool_key, valid_days, redemption_limit)
    report = UploadReport(pool_key)
    codes = _parse_codes(csv_text, report)
    if report.errors:
        raise CouponError("file", "refused_lines", report.error_text(), report)
    if not codes:
        raise CouponError("file", "empty", "the file has no codes")
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


def pool_levels(session: Session, keys: list[str]) -> dict[str, dict[str, int]]:
    """pool key -> {"total", "left"} for the given pools, in one query (pools without codes
    count zero; unknown keys are absent)."""
    if not keys:
        return {}
    rows = session.execute(
        select(CouponPool.key, func.count(CouponCode.id), func.count(CouponCode.reward_id))
        .outerjoin(CouponCode, CouponCode.pool_id == CouponPool.id)
        .where(CouponPool.key.in_(keys))
        .group_by(CouponPool.key)
    )
    return {key: {"total": total, "left": total - used} for key, total, used in rows}


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
        raise CouponError("pool", "unknown", f"no pool {pool_key!r}")
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
        raise CouponError(
            "code", "not_redeemable", f"{code!r} is unknown, unassigned, expired or fully redeemed"
        )
    return count
