"""A draw's answer: the won / consolation flags, the reward part, and the answer of a draw
already committed with an Idempotency-Key (read back from the ledger)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.errors import ApiProblem
from core.extensions import db
from core.models import Draw, Reward
from runtime.reads import reading


def answer_flags(prize_public: dict[str, Any] | None) -> dict[str, bool]:
    """`won` is true whenever the draw gives a prize, a consolation prize included;
    `consolation` says it is the campaign's fallback prize (docs/api.md)."""
    return {
        "won": prize_public is not None,
        "consolation": bool(prize_public and prize_public["fallback"]),
    }


def reward_answer(reward_id: int | None, kind: str | None, status: str, payload: dict | None):
    """The reward part of a draw answer; a red packet carries the amount reserved for it."""
    if reward_id is None:
        return None
    found: dict[str, Any] = {"id": reward_id, "kind": kind, "status": status}
    cents = (payload or {}).get("amount_cents")
    if kind == "red_packet" and cents is not None:
        found["amount"] = cents / 100
    return found


def existing_answer(
    participant_id: int, key: str, request_hash: str | None = None
) -> dict[str, Any] | None:
    """The answer of the draw already committed with this Idempotency-Key (the database
    backstop when the Redis idempotency record is gone); 409 if it was another request."""
    with reading():
        row = db.session.execute(
            select(Draw.id, Draw.won, Draw.evidence).where(
                Draw.participant_id == participant_id, Draw.idempotency_key == key
            )
        ).first()
        if row is None:
            return None
        reward = db.session.execute(
            select(Reward.id, Reward.kind, Reward.status, Reward.payload).where(
                Reward.draw_id == row.id
            )
        ).first()
    stored_hash = (row.evidence or {}).get("request_hash")
    if request_hash and stored_hash and stored_hash != request_hash:
        raise ApiProblem(
            409, "idempotency_conflict", "This Idempotency-Key was used for a different request."
        )
    prize = row.evidence.get("prize_public")
    return {
        "draw_id": row.id,
        **answer_flags(prize),
        "prize": prize,
        "reward": None
        if reward is None
        else reward_answer(reward.id, reward.kind, reward.status, reward.payload),
        "chances_left": None,
        "messages": [],
        "replayed": True,
    }
