"""The draw's SQL write: Draw row + its Reward (the outbox) + Prize.issued + 1, one transaction.

Everything a statement needs (ids, the evidence already serialised to JSON text, timestamps,
the reward payload) is prepared before the write gate is taken, so the serialised part of a
draw is just a handful of SQLAlchemy Core statements and the COMMIT. The Prize UPDATE goes last
so PostgreSQL holds the prize row's lock for the shortest time; its CHECK (issued <=
stock_total) is the database backstop behind the Redis admission.

Spent chances are not written as ChanceEntry(-1) rows any more: the Draw row (chance_kind) is
the record of the spent chance and `runtime.reconcile` derives chances left as grants minus
draws.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, insert, update
from sqlalchemy.dialects.postgresql import JSONB

from core.models import Draw, Prize, Reward


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
    return json.dumps(evidence, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_statements: dict[str, tuple[Any, Any, Any]] = {}


def _build(dialect: str) -> tuple[Any, Any, Any]:
    evidence = bindparam("evidence", type_=Text)
    if dialect == "postgresql":
        evidence = cast(evidence, JSONB)
    draw = (
        insert(Draw.__table__)
        .values(
            campaign_id=bindparam("campaign_id"),
            version_id=bindparam("version_id"),
            participant_id=bindparam("participant_id"),
            idempotency_key=bindparam("idempotency_key"),
            chance_kind=bindparam("chance_kind"),
            branch_code=bindparam("branch_code"),
            prize_key=bindparam("prize_key"),
            won=bindparam("won"),
            random_value=bindparam("random_value"),
            evidence=evidence,
            created_at=bindparam("created_at"),
        )
        .returning(Draw.__table__.c.id)
    )
    reward = (
        insert(Reward.__table__)
        .values(
            source_key=bindparam("source_key"),
            draw_id=bindparam("draw_id"),
            campaign_id=bindparam("campaign_id"),
            participant_id=bindparam("participant_id"),
            prize_key=bindparam("prize_key"),
            kind=bindparam("kind"),
            payload=bindparam("payload"),
            status="pending",
            attempts=0,
            available_at=bindparam("created_at"),
            created_at=bindparam("created_at"),
            updated_at=bindparam("created_at"),
        )
        .returning(Reward.__table__.c.id)
    )
    prizes = Prize.__table__
    prize = (
        update(prizes)
        .where(prizes.c.campaign_id == bindparam("p_campaign"), prizes.c.key == bindparam("p_key"))
        .values(issued=prizes.c.issued + bindparam("p_count"))
    )
    return draw, reward, prize


def statements(dialect: str) -> tuple[Any, Any, Any]:
    found = _statements.get(dialect)
    if found is None:
        found = _statements[dialect] = _build(dialect)
    return found


def write_draw(conn: Connection, row: DrawRow) -> Written:
    """Stage one draw on `conn` (inside the caller's transaction); no COMMIT here."""
    draw_sql, reward_sql, prize_sql = statements(conn.dialect.name)
    draw_id = conn.execute(
        draw_sql,
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
            "created_at": row.created_at,
        },
    ).scalar_one()
    reward_id = None
    if row.reward_kind is not None:
        reward_id = conn.execute(
            reward_sql,
            {
                "source_key": f"draw:{draw_id}",
                "draw_id": draw_id,
                "campaign_id": row.campaign_id,
                "participant_id": row.participant_id,
                "prize_key": row.prize_key,
                "kind": row.reward_kind,
                "payload": row.reward_payload or {},
                "created_at": row.created_at,
            },
        ).scalar_one()
    if row.prize_key is not None:
        conn.execute(
            prize_sql, {"p_campaign": row.campaign_id, "p_key": row.prize_key, "p_count": 1}
        )
    return Written(draw_id, reward_id)
