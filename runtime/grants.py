"""Chance grants outside rules: initial grants on join and the daily grant per kind.

Daily grants are given on the participant's first write of the local day (join or draw); the
ChanceEntry source key `daily:<campaign>:<participant>:<kind>:<day>` is UNIQUE, so concurrent
requests grant once. Unused daily chances carry over.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import ChanceEntry
from runtime import hotstate
from runtime.loader import LiveVersion


def ensure_daily_grants(live: LiveVersion, participant_id: int, day: str) -> None:
    kinds = [k for k in live.kinds.values() if k["daily"]]
    if not kinds:
        return
    conn = hotstate.client()
    key = hotstate.person_key(live.campaign_id, participant_id)
    flags = conn.hmget(key, [f"dg:{k['key']}:{day}" for k in kinds])
    for kind, flag in zip(kinds, flags, strict=True):
        if flag:
            continue
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
            continue
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
