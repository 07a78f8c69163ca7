"""Counting the ledgers into the rollups, chunk by chunk, and rebuilding from scratch.

Each chunk is read in one consistent snapshot (a deferred read transaction on SQLite,
REPEATABLE READ on PostgreSQL, so no write lock is held while it aggregates), then written in
one short transaction that moves the ledger's cursor (only if its version is still the one
read: a concurrent job's chunk is never counted twice) and adds the counts. A process killed
anywhere leaves either the whole chunk or none of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.models import (
    RewardState,
    RollupBreakdown,
    RollupCampaignHour,
    RollupCursor,
    RollupDay,
    RollupHour,
    utcnow,
)
from runtime.rollups import cursors
from runtime.rollups.buckets import Zones
from runtime.rollups.delta import Delta, write_delta
from runtime.rollups.firsts import correct_late_draws
from runtime.rollups.sources import DRAWS, SOURCES, Source
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)

CHUNK = 100_000


@contextmanager
def snapshot(session: Session) -> Iterator[Session]:
    """One consistent read-only view of the database, without SQLite's write lock (the
    session's open transaction, if any, is ended first: jobs own their session)."""
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection(execution_options={"sqlite_begin": "DEFERRED"})
    try:
        yield session
    finally:
        session.rollback()


@dataclass
class Chunk:
    """What one step read: the counts to add and where the cursor moves."""

    old: cursors.Cursor
    new: cursors.Cursor
    delta: Delta
    rows: int


def _read_chunk(session: Session, source: Source, zones: Zones, size: int, now) -> Chunk | None:
    with snapshot(session):
        old = cursors.load(session, source.name)
        top = cursors.max_id(session, source.table)
        late = cursors.visible_gap_ids(session, source.table, old.gaps)
        upto = max(old.last_id, min(top, old.last_id + size))
        if upto == old.last_id and not late:
            return None
        missing = cursors.missing_ranges(session, source.table, old.last_id, upto)
        delta = Delta(zones)
        params = {"lo": old.last_id, "hi": upto, "yes": True}
        if upto > old.last_id:
            source.aggregate(session, "{a}.id > :lo AND {a}.id <= :hi", params, delta)
        if late:
            listed = ", ".join(str(int(i)) for i in late)
            source.aggregate(session, "{a}.id IN (" + listed + ")", params, delta)
            if source is DRAWS:
                correct_late_draws(session, late, old.last_id, delta)
        gaps = cursors.remaining_gaps(old.gaps, set(late), missing, now)
        new = cursors.Cursor(source.name, upto, gaps, old.version + 1)
        rows = upto - old.last_id - sum(b - a + 1 for a, b in missing) + len(late)
        return Chunk(old, new, delta, rows)


def _write_chunk(session: Session, chunk: Chunk, now) -> bool:
    with write_gate():
        try:
            if not cursors.advance(session, chunk.old, chunk.new, now):
                session.rollback()
                logger.info("rollup %s: moved by another job; leaving it", chunk.old.source)
                return False
            write_delta(session, chunk.delta)
            session.commit()
        except Exception:
            session.rollback()
            raise
    return True


def _ensure_cursors(session: Session, names: list[str]) -> None:
    with write_gate():
        for name in names:
            cursors.ensure(session, name)
        session.commit()


def catch_up(
    session: Session,
    sources: tuple[Source, ...] = SOURCES,
    chunk: int = CHUNK,
    max_seconds: float | None = None,
) -> dict[str, int]:
    """Count every ledger row not counted yet; returns rows counted per ledger. Stops after
    `max_seconds` (the rest waits for the next run)."""
    _ensure_cursors(session, [s.name for s in sources])
    with snapshot(session):
        zones = Zones(session, current_app.config.get("STUDIO_TIMEZONE", "Asia/Shanghai"))
    started = time.monotonic()
    counted = {s.name: 0 for s in sources}
    for source in sources:
        while max_seconds is None or time.monotonic() - started < max_seconds:
            now = utcnow()
            step = _read_chunk(session, source, zones, chunk, now)
            if step is None or not _write_chunk(session, step, now):
                break
            counted[source.name] += step.rows
    if any(counted.values()):
        logger.info("rollups counted %s", counted)
    return counted


ROLLUP_TABLES = (RollupHour, RollupCampaignHour, RollupDay, RollupBreakdown, RewardState)


def rebuild(session: Session, chunk: int = CHUNK) -> dict[str, int]:
    """Forget every rollup and count all ledgers again from the first row."""
    with write_gate():
        for model in (*ROLLUP_TABLES, RollupCursor):
            session.execute(delete(model))
        session.commit()
    return catch_up(session, chunk=chunk)
