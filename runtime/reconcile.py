"""Rebuild a campaign's Redis hot state from the SQL ledger (SQL is the source of truth).

stock = stock_total - issued per limited prize; issuer limits (red packet budget, coupon codes)
from runtime.issuer_limits; chances left per kind = the grants in
ChanceEntry minus the draws of that kind (a Draw row is the record of its spent chance; the
ChanceEntry(-1, reason "draw") rows older draws also wrote are ignored, so nothing is counted
twice); draw/win counters from Draw rows; share, referral, check-in and vote counters from their
tables; today's releases from today's draws. Run it when Redis was lost or drifted.

It is exact while draws run: it holds the campaign's fence (runtime.flights), so it reads the
ledger only when no write is between Redis and the ledger, and no new write starts until Redis
is rewritten (writes wait, up to flights.FENCE_WAIT_SECONDS). If writes do not land within
flights.DRAIN_SECONDS the campaign is skipped this time, never reconciled from a half-done
state. The ledger is read in a read transaction: SQLite's write lock is never held.

Person fields the ledger cannot rebuild (`guarantee`, `tags`, `dg:*` daily-grant flags, `v:*`
vote counters) are kept; fields it rebuilds are rewritten, and removed where the ledger has
none. Odds boosts, the fence and the flights are left alone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import read_only
from core.extensions import db
from core.models import (
    Campaign,
    ChanceEntry,
    CheckIn,
    Draw,
    Membership,
    Prize,
    ShareRecord,
    Vote,
    utcnow,
)
from runtime import flights, hotstate
from runtime.issuer_limits import counters_from_ledger
from runtime.loader import LiveVersion, compile_version

logger = logging.getLogger(__name__)
SPENT_BY_DRAW = "draw"  # ChanceEntry.reason of the -1 rows draws wrote before the Draw row sufficed
# person hash fields rebuilt from the ledger (the name before the first ':')
DERIVED = frozenset({"ch", "d", "w", "wp", "s", "sr", "r", "ci", "cs", "cl"})


def is_derived(field: str) -> bool:
    return field.partition(":")[0] in DERIVED


def _person_fields(session: Session, cid: int, tz) -> dict[int, dict[str, int | str]]:
    people: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for pid, kind, total in session.execute(
        select(ChanceEntry.participant_id, ChanceEntry.kind, func.sum(ChanceEntry.delta))
        .where(ChanceEntry.campaign_id == cid, ChanceEntry.reason != SPENT_BY_DRAW)
        .group_by(ChanceEntry.participant_id, ChanceEntry.kind)
    ):
        people[pid][f"ch:{kind}"] = int(total)
    for pid, kind, prize, won, at in session.execute(
        select(
            Draw.participant_id, Draw.chance_kind, Draw.prize_key, Draw.won, Draw.created_at
        ).where(Draw.campaign_id == cid)
    ):
        day = at.astimezone(tz).date().isoformat()
        fields = people[pid]
        fields[f"ch:{kind}"] -= 1
        fields["d"] += 1
        fields[f"d:{day}"] += 1
        if won:
            fields["w"] += 1
            fields[f"w:{day}"] += 1
            fields[f"wp:{prize}"] += 1
    for pid, day, rewarded in session.execute(
        select(ShareRecord.participant_id, ShareRecord.day, ShareRecord.rewarded).where(
            ShareRecord.campaign_id == cid
        )
    ):
        people[pid]["s"] += 1
        people[pid][f"s:{day}"] += 1
        if rewarded:
            people[pid][f"sr:{day}"] += 1
    for pid, day, streak in session.execute(
        select(CheckIn.participant_id, CheckIn.day, CheckIn.streak)
        .where(CheckIn.campaign_id == cid)
        .order_by(CheckIn.day)
    ):
        people[pid]["ci"] += 1
        people[pid][f"ci:{day[:7]}"] += 1
        people[pid]["cs"] = streak
        people[pid]["cl"] = day
    for inviter, at in session.execute(
        select(Membership.referred_by_id, Membership.joined_at).where(
            Membership.campaign_id == cid, Membership.referred_by_id.is_not(None)
        )
    ):
        people[inviter]["r"] += 1
        people[inviter][f"r:{at.astimezone(tz).date().isoformat()}"] += 1
    return people


@contextmanager
def ledger_reader() -> Iterator[Session]:
    """A session of its own in a read transaction: never SQLite's write lock, and never the
    caller's transaction (whatever it holds)."""
    with Session(db.engine) as session, read_only(session):
        yield session


def _ledger_state(session: Session, campaign_id: int, live: LiveVersion) -> dict[str, Any]:
    """Everything Redis should hold for the campaign, read from the ledger."""
    prizes = session.execute(
        select(Prize.key, Prize.stock_total, Prize.issued).where(Prize.campaign_id == campaign_id)
    ).all()
    stock = {p.key: p.stock_total - p.issued for p in prizes if p.stock_total is not None}
    today = live.local_day(utcnow())
    release: dict[str, int] = defaultdict(int)
    branches: dict[str, int] = defaultdict(int)
    for prize, branch, won, at in session.execute(
        select(Draw.prize_key, Draw.branch_code, Draw.won, Draw.created_at).where(
            Draw.campaign_id == campaign_id
        )
    ):
        daily = live.prizes.get(prize or "", {}).get("daily_release")
        if daily is not None and at.astimezone(live.tz).date().isoformat() == today:
            release[prize] += 1
        if won and branch:
            branches[branch] += 1
    votes = dict(
        session.execute(
            select(Vote.candidate, func.count(Vote.id))
            .where(Vote.campaign_id == campaign_id)
            .group_by(Vote.candidate)
        ).all()
    )
    return {
        "stock": stock,
        "today": today,
        "release": release,
        "branches": branches,
        "votes": votes,
        "people": _person_fields(session, campaign_id, live.tz),
        "limits": counters_from_ledger(session, campaign_id, live.bundle),
    }


def _rewrite(conn, campaign_id: int, state: dict[str, Any], fence: str) -> None:
    """Replace the derived hot state in one MULTI/EXEC, only while `fence` is still ours."""
    pid_of = {hotstate.person_key(campaign_id, pid): pid for pid in state["people"]}
    base = hotstate.prefix(campaign_id)
    person_keys = set(pid_of) | set(conn.scan_iter(f"{base}:p:*"))
    release_keys = list(conn.scan_iter(f"{base}:release:*"))
    ordered = sorted(person_keys)
    present = conn.pipeline(transaction=False)
    for key in ordered:
        present.hkeys(key)
    fields_now = dict(zip(ordered, present.execute(), strict=True))
    fence_key = hotstate.fence_key(campaign_id)
    with conn.pipeline(transaction=True) as pipe:
        pipe.watch(fence_key)
        if pipe.get(fence_key) != fence:
            raise RuntimeError("the reconcile fence expired before Redis was rewritten")
        pipe.multi()
        pipe.delete(
            hotstate.stock_key(campaign_id),
            hotstate.branch_key(campaign_id),
            hotstate.votes_key(campaign_id),
            hotstate.limits_key(campaign_id),
            *release_keys,
        )
        for key, mapping in (
            (hotstate.stock_key(campaign_id), state["stock"]),
            (hotstate.release_key(campaign_id, state["today"]), state["release"]),
            (hotstate.branch_key(campaign_id), state["branches"]),
            (hotstate.votes_key(campaign_id), state["votes"]),
            (hotstate.limits_key(campaign_id), state["limits"]),
        ):
            if mapping:
                pipe.hset(key, mapping=dict(mapping))
        for key in ordered:
            fields = state["people"].get(pid_of.get(key), {})
            stale = [f for f in fields_now[key] if is_derived(f) and f not in fields]
            if stale:
                pipe.hdel(key, *stale)
            if fields:
                pipe.hset(key, mapping=dict(fields))
        pipe.execute()


def reconcile_campaign(campaign_id: int, slug: str, version_id: int) -> dict[str, Any]:
    """Rewrite the campaign's derived hot state from the ledger; returns what changed, or
    `skipped` when writes did not land in time (or another reconcile holds the fence)."""
    from core.models import CampaignVersion

    conn = hotstate.client()
    with flights.fenced(campaign_id) as fence:
        if fence is None:
            logger.warning("reconcile %s skipped: writes still in flight", slug)
            return {"slug": slug, "skipped": "writes still in flight; run it again"}
        before = conn.hgetall(hotstate.stock_key(campaign_id))
        with ledger_reader() as session:
            live = compile_version(session.get(CampaignVersion, version_id), slug)
            state = _ledger_state(session, campaign_id, live)
        _rewrite(conn, campaign_id, state, fence)
    stock = state["stock"]
    drift = {k: (before.get(k), v) for k, v in stock.items() if str(v) != before.get(k)}
    people = len(state["people"])
    logger.info("reconciled %s: %d people, stock drift %s", slug, people, drift)
    return {
        "slug": slug,
        "people": people,
        "stock": stock,
        "stock_drift": drift,
        "issuer_limits": state["limits"],
    }


def reconcile(slug: str | None = None) -> list[dict[str, Any]]:
    query = select(Campaign.id, Campaign.slug, Campaign.published_version_id).where(
        Campaign.published_version_id.is_not(None)
    )
    if slug:
        query = query.where(Campaign.slug == slug)
    with ledger_reader() as session:
        campaigns = session.execute(query).all()
    if slug and not campaigns:
        raise LookupError(f"no published campaign {slug!r}")
    return [reconcile_campaign(*row) for row in campaigns]
