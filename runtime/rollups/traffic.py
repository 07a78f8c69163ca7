"""Traffic of a campaign's participant page: views, unique visitors and invitation clicks.

No ledger records a page view, so the page counts them itself, in Redis, in one pipelined
round trip per view (never on the draw path): a counter per UTC hour, local day and the
whole campaign, a HyperLogLog of visitor ids for each (visitors do not add up across buckets;
the estimate is within about 1%), invitation-link clicks (`?ref=CODE`) in total and per code.
The visitor id is a random first-party cookie. `flush_traffic` copies the current values into
traffic_rollups (overwriting, so a repeated or interrupted flush is harmless); hour and day
keys expire after KEEP_SECONDS, the campaign's totals stay.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, tzinfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import TrafficRollup, utcnow
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)

VISITOR_COOKIE = "cs_vid"
VISITOR_PATTERN = re.compile(r"^[0-9a-f]{32}$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{4,16}$")
KEEP_SECONDS = 3 * 24 * 3600
DIRTY = "cs:{tv}:dirty"  # "campaign|hour|day" buckets changed since the last flush
FLUSHING = "cs:{tv}:flushing"  # the same hash tag: SUNIONSTORE works on Redis Cluster


def visitor_id(cookie: str | None) -> tuple[str, bool]:
    """The visitor id from the cookie, or a new one (and True: set the cookie)."""
    if cookie and VISITOR_PATTERN.match(cookie):
        return cookie, False
    return secrets.token_hex(16), True


def _key(campaign_id: int, part: str) -> str:
    return f"cs:{{{campaign_id}}}:tv:{part}"


def hour_bucket(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H")


def count_view(
    client,
    campaign_id: int,
    visitor: str,
    referral_code: str | None,
    now: datetime,
    zone: tzinfo,
) -> None:
    """Count one view of the campaign page (one round trip)."""
    hour, day = hour_bucket(now), now.astimezone(zone).date().isoformat()
    click = bool(referral_code and CODE_PATTERN.match(referral_code))
    pipe = client.pipeline(transaction=False)
    for grain, bucket in (("h", hour), ("d", day), ("a", "")):
        counts, visitors = (
            _key(campaign_id, f"{grain}:{bucket}"),
            _key(campaign_id, f"{grain}u:{bucket}"),
        )
        pipe.hincrby(counts, "v", 1)
        if click:
            pipe.hincrby(counts, "c", 1)
        pipe.pfadd(visitors, visitor)
        if grain != "a":
            pipe.expire(counts, KEEP_SECONDS)
            pipe.expire(visitors, KEEP_SECONDS)
    if click:
        pipe.hincrby(_key(campaign_id, "codes"), referral_code, 1)
    pipe.sadd(DIRTY, f"{campaign_id}|{hour}|{day}")
    pipe.execute()


def clicks_by_code(client, campaign_id: int) -> dict[str, int]:
    return {
        (k.decode() if isinstance(k, bytes) else k): int(v)
        for k, v in client.hgetall(_key(campaign_id, "codes")).items()
    }


def _read(client, buckets: set[str]) -> list[dict]:
    """Current values of every (campaign, grain, bucket) named by the dirty entries."""
    wanted: dict[tuple[int, str, str], tuple[str, str]] = {}
    for entry in buckets:
        text = entry.decode() if isinstance(entry, bytes) else entry
        campaign, hour, day = text.split("|")
        cid = int(campaign)
        for grain, short, bucket in (("hour", "h", hour), ("day", "d", day), ("all", "a", "")):
            wanted[(cid, grain, bucket)] = (
                _key(cid, f"{short}:{bucket}"),
                _key(cid, f"{short}u:{bucket}"),
            )
    pipe = client.pipeline(transaction=False)
    for counts, visitors in wanted.values():
        pipe.hmget(counts, "v", "c")
        pipe.pfcount(visitors)
    answers = pipe.execute()
    rows, now = [], utcnow()
    for n, (campaign, grain, bucket) in enumerate(wanted):
        (views, clicks), visitors = answers[2 * n], answers[2 * n + 1]
        if views is None and not visitors:
            continue  # expired before this flush: keep what SQL has
        rows.append(
            {
                "campaign_id": campaign,
                "grain": grain,
                "bucket": bucket,
                "views": int(views or 0),
                "visitors": int(visitors or 0),
                "clicks": int(clicks or 0),
                "updated_at": now,
            }
        )
    return rows


def _write(session: Session, rows: list[dict]) -> None:
    table = TrafficRollup.__table__
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.campaign_id, table.c.grain, table.c.bucket],
        set_={c: statement.excluded[c] for c in ("views", "visitors", "clicks", "updated_at")},
    )
    session.execute(statement, rows)


def flush_traffic(session: Session, client) -> int:
    """Copy the changed buckets into traffic_rollups; returns the rows written. The buckets
    move to a second set first and leave it only after the commit: a flush killed midway is
    done again by the next one."""
    pipe = client.pipeline(transaction=True)
    pipe.sunionstore(FLUSHING, [FLUSHING, DIRTY])
    pipe.delete(DIRTY)
    pipe.execute()
    buckets = client.smembers(FLUSHING)
    if not buckets:
        return 0
    rows = _read(client, buckets)
    known = _known_campaigns(session, {r["campaign_id"] for r in rows})
    rows = [r for r in rows if r["campaign_id"] in known]
    if rows:
        with write_gate():
            try:
                _write(session, rows)
                session.commit()
            except Exception:
                session.rollback()
                raise
    client.delete(FLUSHING)
    return len(rows)


def _known_campaigns(session: Session, ids: set[int]) -> set[int]:
    from sqlalchemy import select

    from core.models import Campaign

    if not ids:
        return set()
    found = set(session.scalars(select(Campaign.id).where(Campaign.id.in_(ids))))
    session.rollback()
    return found
