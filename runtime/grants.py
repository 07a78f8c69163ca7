"""Chance grants outside rules: initial grants on join and the daily grant per kind.

Daily grants are given on the participant's first write of the local day (join or draw); the
ChanceEntry source key `daily:<campaign>:<participant>:<kind>:<day>` is UNIQUE, so concurrent
requests grant once. Unused daily chances carry over.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import ChanceEntry
from runtime import flights, hotstate
from runtime.loader import LiveVersion


def ensure_daily_grants(
    live: LiveVersion, participant_id: int, day: str, person: dict[str, str] | None = None
) -> bool:
    """Give today's daily chances once; `person` (the hash already read) saves a round trip.
    Returns True when Redis changed (the caller re-reads what it read before)."""
    kinds = [k for k in live.kinds.values() if k["daily"]]
    if not kinds:
        return False
    conn = hotstate.client()
    key = hotstate.person_key(live.campaign_id, participant_id)
    names = [f"dg:{k['key']}:{day}" for k in kinds]
    flags = [person.get(n) for n in names] if person is not None else conn.hmget(key, names)
    missing = [kind for kind, flag in zip(kinds, flags, strict=True) if not flag]
    if not missing:
        return False
    with flights.flight(live.campaign_id):
        for kind in missing:
            _grant_daily(conn, key, live, participant_id, kind, day)
    return True


def _grant_daily(conn, key: str, live: LiveVersion, participant_id: int, kind, day: str) -> None:
    """One kind's daily chances: the ledger row (UNIQUE source key), then Redis."""
    db.session.add(
        ChanceEntry(
            campaign_id=live.campaign_id,
            participant_id=participant_id,
            kind=kind["key"],
            delta=kind["daily"],
            reason="daily",
            source_key=f"daily:{live.campaign_id}:{participant_id}:{kind['key']}:{day}",
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        conn.hset(key, f"dg:{kind['key']}:{day}", 1)
        return
    pipe = conn.pipeline(transaction=True)
    pipe.hincrby(key, f"ch:{kind['key']}", kind["daily"])
    pipe.hset(key, f"dg:{kind['key']}:{day}", 1)
    pipe.execute()


def stage_initial_grants(live: LiveVersion, participant_id: int) -> dict[str, int]:
    granted = {}
    for kind in live.kinds.values():
        if kind["initial"]:
            db.session.add(
                ChanceEntry(
                    campaign_id=live.campaign_id,
                    participant_id=participant_id,
                    kind=kind["key"],
                    delta=kind["initial"],
                    reason="initial",
                    source_key=f"join:{live.campaign_id}:{participant_id}:{kind['key']}",
                )
            )
            granted[kind["key"]] = kind["initial"]
    return granted
