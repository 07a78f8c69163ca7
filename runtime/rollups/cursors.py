"""Rollup cursors: how far each ledger has been counted, and the ids still owed.

Ids are counted in order. On PostgreSQL a transaction can commit after one holding a later id
(ids come from a sequence when rows are inserted), so an id missing below the last counted one
is kept as a gap and counted when it shows up; a gap still empty after GAP_TTL was a rolled
back insert (or a transaction longer than any the app runs) and is dropped. On SQLite ids are
assigned in commit order and gaps never arise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from core.models import RollupCursor

GAP_TTL = timedelta(minutes=15)
Gap = tuple[int, int, str]  # first id, last id, first seen (ISO)


@dataclass
class Cursor:
    source: str
    last_id: int = 0
    gaps: list[Gap] = field(default_factory=list)
    version: int = 0


def load(session: Session, source: str) -> Cursor:
    row = session.get(RollupCursor, source)
    if row is None:
        return Cursor(source)
    return Cursor(source, row.last_id, [tuple(g) for g in row.gaps or []], row.version)


def ensure(session: Session, source: str) -> None:
    """Create the cursor row if missing (its own transaction, before any counting)."""
    if session.get(RollupCursor, source) is None:
        session.add(RollupCursor(source=source, last_id=0, gaps=[], version=0))
        session.flush()


def advance(session: Session, old: Cursor, new: Cursor, now: datetime) -> bool:
    """Move the cursor from `old` to `new` if nobody moved it meanwhile (caller commits)."""
    moved = session.execute(
        update(RollupCursor)
        .where(RollupCursor.source == old.source, RollupCursor.version == old.version)
        .values(
            last_id=new.last_id,
            gaps=[list(g) for g in new.gaps],
            version=old.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return moved == 1


def gap_where(alias: str, gaps: list[Gap]) -> tuple[str, dict]:
    """An id predicate for the rows in `gaps` (ranges)."""
    parts, params = [], {}
    for n, (first, last, _) in enumerate(gaps):
        parts.append(f"({alias}.id BETWEEN :g{n}a AND :g{n}b)")
        params[f"g{n}a"], params[f"g{n}b"] = first, last
    return "(" + " OR ".join(parts) + ")", params


def visible_gap_ids(session: Session, table: str, gaps: list[Gap]) -> list[int]:
    if not gaps:
        return []
    where, params = gap_where("t", gaps)
    return list(session.scalars(text(f"SELECT t.id FROM {table} t WHERE {where}"), params))


def missing_ranges(session: Session, table: str, low: int, high: int) -> list[tuple[int, int]]:
    """Ids in (low, high] with no visible row, as ranges (one COUNT when there are none)."""
    if high <= low:
        return []
    params = {"lo": low, "hi": high}
    present = session.scalar(
        text(f"SELECT COUNT(*) FROM {table} t WHERE t.id > :lo AND t.id <= :hi"), params
    )
    if present == high - low:
        return []
    ids = session.scalars(
        text(f"SELECT t.id FROM {table} t WHERE t.id > :lo AND t.id <= :hi ORDER BY t.id"), params
    )
    ranges, expected = [], low + 1
    for found in ids:
        if found > expected:
            ranges.append((expected, found - 1))
        expected = found + 1
    if expected <= high:
        ranges.append((expected, high))
    return ranges


def remaining_gaps(
    old: list[Gap], counted: set[int], new: list[tuple[int, int]], now: datetime
) -> list[Gap]:
    """Gaps after this chunk: old ones minus the ids counted now (split around them), minus
    those older than GAP_TTL, plus the new ranges."""
    kept: list[Gap] = []
    for first, last, seen in old:
        if now - datetime.fromisoformat(seen) > GAP_TTL:
            continue
        start = first
        for found in sorted(i for i in counted if first <= i <= last):
            if found > start:
                kept.append((start, found - 1, seen))
            start = found + 1
        if start <= last:
            kept.append((start, last, seen))
    stamp = now.isoformat()
    kept.extend((first, last, stamp) for first, last in new)
    return kept


def max_id(session: Session, table: str) -> int:
    return session.scalar(select(text("MAX(id)")).select_from(text(table))) or 0
