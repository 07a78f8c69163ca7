"""The draw's SQL write: Draw row + its Reward (the outbox) + Prize.issued + n, one transaction.

Everything a statement needs (ids, the evidence already serialised to JSON text, timestamps in
the column type's stored form, the reward payload as JSON) is prepared before the write gate
is taken. The statements are SQLAlchemy Core constructs compiled once per dialect and run on a
pooled DBAPI connection, so the serialised part of a draw is a few driver calls and the COMMIT
(the ORM unit of work and the per-statement SQLAlchemy execution machinery cost more than the
SQL itself on SQLite). The Prize UPDATEs go last, one per prize, so PostgreSQL holds a prize
row's lock for the shortest time; its CHECK (issued <= stock_total) is the database backstop
behind the Redis admission.

Several draws can share one transaction (`write_draws`, used by runtime.group_commit): if the
batch fails, every draw of it is retried alone so one bad row (a duplicate Idempotency-Key, a
stock CHECK) fails only its own request.

Spent chances are not written as ChanceEntry(-1) rows: the Draw row (chance_kind) is the record
of the spent chance and `runtime.reconcile` derives chances left as grants minus draws.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, insert, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import Draw, Prize, Reward
from rules import json_text


@dataclass(frozen=True)
class DrawRow:
    """One draw ready to be written; `reward_kind` None when the prize gives no reward row."""

    campaign_id: int
    version_id: int
    participant_id: int
    idempotency_key: str | None
    chance_kind: str
    branch_code: str | None
    prize_key: str | None
    won: bool
    random_value: float
    evidence_json: str
    created_at: datetime
    reward_kind: str | None = None
    reward_payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class Written:
    draw_id: int
    reward_id: int | None


def dumps_evidence(evidence: dict[str, Any]) -> str:
    return json_text.dumps(evidence, sort_keys=True)


DRAW_COLUMNS = (
    "campaign_id",
    "version_id",
    "participant_id",
    "idempotency_key",
    "chance_kind",
    "branch_code",
    "prize_key",
    "won",
    "random_value",
    "evidence",
    "created_at",
)
REWARD_COLUMNS = (
    "source_key",
    "draw_id",
    "campaign_id",
    "participant_id",
    "prize_key",
    "kind",
    "payload",
    "status",
    "attempts",
    "max_attempts",
    "available_at",
    "created_at",
    "updated_at",
)
JSON_COLUMNS = ("evidence", "payload")


@dataclass(frozen=True)
class Statement:
    """A compiled statement: its SQL text and how to turn named values into driver params."""

    sql: str
    order: tuple[str, ...] | None  # positional paramstyles: the names in order

    def params(self, values: dict[str, Any]) -> Any:
        if self.order is None:
            return values
        return tuple(values[name] for name in self.order)


@dataclass(frozen=True)
class LedgerSQL:
    """The draw's statements for one dialect, and the stored form of a timestamp."""

    draw: Statement
    reward: Statement
    prize: Statement
    stamp: Callable[[datetime], Any]
    max_attempts: int


def _compile(stmt, dialect: Dialect) -> Statement:
    compiled = stmt.compile(dialect=dialect)
    order = compiled.positiontup
    return Statement(compiled.string, tuple(order) if order is not None else None)


def _values(table, columns: tuple[str, ...], dialect: Dialect) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in columns:
        param = bindparam(name, type_=Text if name in JSON_COLUMNS else table.c[name].type)
        if name in JSON_COLUMNS and dialect.name == "postgresql":
            param = cast(param, JSONB)
        values[name] = param
    return values


def _build(dialect: Dialect) -> LedgerSQL:
    draws, rewards, prizes = Draw.__table__, Reward.__table__, Prize.__table__
    draw = insert(draws).values(_values(draws, DRAW_COLUMNS, dialect)).returning(draws.c.id)
    reward = (
        insert(rewards).values(_values(rewards, REWARD_COLUMNS, dialect)).returning(rewards.c.id)
    )
    prize = (
        update(prizes)
        .where(prizes.c.campaign_id == bindparam("p_campaign"), prizes.c.key == bindparam("p_key"))
        .values(issued=prizes.c.issued + bindparam("p_count"))
    )
    processor = draws.c.created_at.type.bind_processor(dialect)
    return LedgerSQL(
        _compile(draw, dialect),
        _compile(reward, dialect),
        _compile(prize, dialect),
        processor or (lambda value: value),
        int(rewards.c.max_attempts.default.arg),
    )


_compiled: dict[str, LedgerSQL] = {}


def ledger_sql(dialect: Dialect) -> LedgerSQL:
    found = _compiled.get(dialect.name)
    if found is None:
        found = _compiled[dialect.name] = _build(dialect)
    return found


def _stage(cursor, sql: LedgerSQL, row: DrawRow) -> Written:
    stamp = sql.stamp(row.created_at)
    cursor.execute(
        sql.draw.sql,
        sql.draw.params(
            {
                "campaign_id": row.campaign_id,
                "version_id": row.version_id,
                "participant_id": row.participant_id,
                "idempotency_key": row.idempotency_key,
                "chance_kind": row.chance_kind,
                "branch_code": row.branch_code,
                "prize_key": row.prize_key,
                "won": row.won,
                "random_value": row.random_value,
                "evidence": row.evidence_json,
                "created_at": stamp,
            }
        ),
    )
    draw_id = cursor.fetchone()[0]
    if row.reward_kind is None:
        return Written(draw_id, None)
    cursor.execute(
        sql.reward.sql,
        sql.reward.params(
            {
                "source_key": f"draw:{draw_id}",
                "draw_id": draw_id,
                "campaign_id": row.campaign_id,
                "participant_id": row.participant_id,
                "prize_key": row.prize_key,
                "kind": row.reward_kind,
                "payload": json_text.dumps(row.reward_payload or {}),
                "status": "pending",
                "attempts": 0,
                "max_attempts": sql.max_attempts,
                "available_at": stamp,
                "created_at": stamp,
                "updated_at": stamp,
            }
        ),
    )
    return Written(draw_id, cursor.fetchone()[0])


def _count_prizes(cursor, sql: LedgerSQL, rows: list[DrawRow]) -> None:
    counts = Counter((row.campaign_id, row.prize_key) for row in rows if row.prize_key)
    for (campaign_id, key), count in sorted(counts.items()):
        cursor.execute(
            sql.prize.sql,
            sql.prize.params({"p_campaign": campaign_id, "p_key": key, "p_count": count}),
        )


def _transaction(rows: list[DrawRow]) -> list[Written]:
    """All `rows` in one transaction on a pooled DBAPI connection (committed, or raises)."""
    engine = db.engine
    sql = ledger_sql(engine.dialect)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")  # the connection runs in autocommit mode
        written = [_stage(cursor, sql, row) for row in rows]
        _count_prizes(cursor, sql, rows)
        connection.commit()
        return written
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


def is_integrity_error(exc: BaseException) -> bool:
    """A constraint refused the write (UNIQUE Idempotency-Key, the stock CHECK...)."""
    dbapi = db.engine.dialect.dbapi
    return isinstance(exc, IntegrityError) or (
        dbapi is not None and isinstance(exc, dbapi.IntegrityError)
    )


def write_draw(row: DrawRow) -> Written:
    """Commit one draw (its own transaction); raises what the database raised."""
    return _transaction([row])[0]


def write_draws(rows: list[DrawRow]) -> list[Written | Exception]:
    """Commit several draws in one transaction; if that fails, each one alone."""
    try:
        return list(_transaction(rows))
    except Exception as batch_error:
        if len(rows) == 1:
            return [batch_error]
    results: list[Written | Exception] = []
    for row in rows:
        try:
            results.append(_transaction([row])[0])
        except Exception as error:  # this draw's own failure, reported to its request
            results.append(error)
    return results
