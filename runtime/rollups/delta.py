"""What one chunk adds to the rollups, and writing it: INSERT ... ON CONFLICT DO UPDATE that
adds to the counts already there (corrections may subtract).

A chunk of a busy month touches up to one rollup row per draw (400 branches x 720 hours), so
the write is a single driver call per table on the session's connection: executemany of one
compiled upsert on SQLite, one INSERT ... SELECT FROM unnest(arrays) on PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from operator import add
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from core.models import MEASURES, RollupBreakdown, RollupCampaignHour, RollupDay, RollupHour
from runtime.rollups.buckets import Zones

INDEX = {measure: n for n, measure in enumerate(MEASURES)}
WIDTH = len(MEASURES)


@dataclass
class Delta:
    """Counts to add per campaign x branch x hour (a list in MEASURES order); the
    campaign-hour and day tables are summed from those buckets when written."""

    zones: Zones
    hours: dict[tuple[int, str, datetime], list[int]] = field(default_factory=dict)
    breakdowns: dict[tuple[int, str, str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, campaign_id: int, branch: str, hour: datetime, measure: str, n: int) -> None:
        if not n:
            return
        key = (campaign_id, branch, hour)
        counts = self.hours.get(key)
        if counts is None:
            counts = self.hours[key] = [0] * WIDTH
        counts[INDEX[measure]] += n

    def rolled(self) -> tuple[dict, dict]:
        """(campaign x hour, campaign x branch x local day) sums of the hour buckets."""
        campaign_hours: dict[tuple, list[int]] = {}
        days: dict[tuple, list[int]] = {}
        for (campaign_id, branch, hour), counts in self.hours.items():
            for target, key in (
                (campaign_hours, (campaign_id, hour)),
                (days, (campaign_id, branch, self.zones.day(campaign_id, hour))),
            ):
                found = target.get(key)
                target[key] = list(counts) if found is None else list(map(add, found, counts))
        return campaign_hours, days

    def add_item(
        self,
        campaign_id: int,
        hour: datetime,
        dimension: str,
        item: str,
        count: int,
        amount: int = 0,
    ) -> None:
        day = self.zones.day(campaign_id, hour)
        found = self.breakdowns[(campaign_id, dimension, day, item[:64])]
        found[0] += count
        found[1] += amount

    def __bool__(self) -> bool:
        return bool(self.hours or self.breakdowns)


@dataclass(frozen=True)
class Upsert:
    """One rollup table's "add these counts" statement, compiled for one dialect."""

    sql: str
    columns: tuple[str, ...]
    processors: tuple[Any, ...]
    arrays: bool  # PostgreSQL: one row of arrays (unnest) instead of executemany


def _pg_type(column) -> str:
    kind = column.type
    if isinstance(kind, DateTime | TypeDecorator):  # UTCDateTime
        return "timestamptz"
    if isinstance(kind, Integer | BigInteger):
        return "bigint"
    if isinstance(kind, String):
        return "text"
    raise TypeError(f"no array type for {column}")


def _build(model, keys: tuple[str, ...], measures: tuple[str, ...], dialect: Dialect) -> Upsert:
    table = model.__table__
    columns = keys + measures
    names = ", ".join(columns)
    if dialect.name == "postgresql":
        # %b: arrays sent in binary (the text form escapes every element in Python)
        arrays = ", ".join(f"%b::{_pg_type(table.c[c])}[]" for c in columns)
        updates = ", ".join(f"{m} = {table.name}.{m} + EXCLUDED.{m}" for m in measures)
        sql = (
            f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )
        return Upsert(sql, columns, tuple(None for _ in columns), True)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{m} = {m} + excluded.{m}" for m in measures)
    sql = (
        f"INSERT INTO {table.name} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    # the dialect's own processors: SQLite stores timestamps as text with microseconds, the
    # form every other statement compares them in
    processors = tuple(
        table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
    )
    return Upsert(sql, columns, processors, False)


HOUR_KEYS = ("campaign_id", "branch_code", "hour")
CAMPAIGN_HOUR_KEYS = ("campaign_id", "hour")
DAY_KEYS = ("campaign_id", "branch_code", "day")
ITEM_KEYS = ("campaign_id", "dimension", "day", "item")
TABLES = (
    ("hours", RollupHour, HOUR_KEYS, MEASURES),
    ("campaign_hours", RollupCampaignHour, CAMPAIGN_HOUR_KEYS, MEASURES),
    ("days", RollupDay, DAY_KEYS, MEASURES),
    ("breakdowns", RollupBreakdown, ITEM_KEYS, ("count", "amount")),
)
_compiled: dict[tuple[str, str], Upsert] = {}


def _upsert(dialect: Dialect, name: str, model, keys, measures) -> Upsert:
    found = _compiled.get((dialect.name, name))
    if found is None:
        found = _compiled[(dialect.name, name)] = _build(model, keys, measures, dialect)
    return found


def _rows(buckets: dict[tuple, list[int]]) -> list[tuple]:
    return [(*key, *counts) for key, counts in buckets.items()]


def write_delta(session: Session, delta: Delta) -> None:
    """Add `delta` to the rollup tables (in the caller's transaction)."""
    connection = session.connection()
    dialect = connection.dialect
    campaign_hours, days = delta.rolled()
    tables = {
        "hours": _rows(delta.hours),
        "campaign_hours": _rows(campaign_hours),
        "days": _rows(days),
        "breakdowns": [(*key, c, a) for key, (c, a) in delta.breakdowns.items()],
    }
    for name, model, keys, measures in TABLES:
        rows = tables[name]
        if not rows:
            continue
        upsert = _upsert(dialect, name, model, keys, measures)
        if upsert.arrays:
            columns = tuple(list(values) for values in zip(*rows, strict=True))
            connection.exec_driver_sql(upsert.sql, [columns])  # one execution: one row of arrays
            continue
        connection.exec_driver_sql(upsert.sql, _stored(upsert.processors, rows))


def _stored(processors: tuple[Any, ...], rows: list[tuple]) -> list[tuple]:
    """Rows in the driver's stored form (SQLite keeps timestamps as text); each distinct
    value is converted once."""
    converted: dict[tuple[int, Any], Any] = {}
    active = [(n, p) for n, p in enumerate(processors) if p is not None]
    prepared = []
    for row in rows:
        values = list(row)
        for n, process in active:
            key = (n, values[n])
            found = converted.get(key)
            if found is None:
                found = converted[key] = process(values[n])
            values[n] = found
        prepared.append(tuple(values))
    return prepared
