"""Rebuild a campaign's Redis hot state from the SQL ledger (SQL is the source of truth).

stock = stock_total - issued per limited prize; issuer limits (red packet budget, coupon codes)
from runtime.issuer_limits; chances left per kind = the grants in
ChanceEntry minus the draws of that kind (a Draw row is the record of its spent chance; the
ChanceEntry(-1, reason "draw") rows older draws also wrote are ignored, so nothing is counted
twice); draw/win counters from Draw rows; share, referral, check-in and vote counters from their
tables; today's releases from today's draws. Run it when Redis was lost or drifted; run it
while the campaign is paused for an exact result (in-flight draws are not in the ledger yet;
the Prize CHECK constraint still forbids overselling if one slips through).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

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
from runtime import hotstate
from runtime.loader import compile_version

logger = logging.getLogger(__name__)
SPENT_BY_DRAW = "draw"  # ChanceEntry.reason of the -1 rows draws wrote before the Draw row sufficed


def _person_fields(campaign: Campaign, tz) -> dict[int, dict[str, int | str]]:
    people: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    cid = campaign.id
    for pid, kind, total in db.session.execute(
        select(ChanceEntry.participant_id, ChanceEntry.kind, func.sum(ChanceEntry.delta))
        .where(ChanceEntry.campaign_id == cid, ChanceEntry.reason != SPENT_BY_DRAW)
        .group_by(ChanceEntry.participant_id, ChanceEntry.kind)
    ):
        people[pid][f"ch:{kind}"] = int(total)
    for pid, kind, prize, won, at in db.session.execute(
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
    for pid, day, rewarded in db.session.execute(
        select(ShareRecord.participant_id, ShareRecord.day, ShareRecord.rewarded).where(
            ShareRecord.campaign_id == cid
        )
    ):
        people[pid]["s"] += 1
        people[pid][f"s:{day}"] += 1
        if rewarded:
            people[pid][f"sr:{day}"] += 1
    for pid, day, streak in db.session.execute(
        select(CheckIn.participant_id, CheckIn.day, CheckIn.streak)
        .where(CheckIn.campaign_id == cid)
        .order_by(CheckIn.day)
    ):
        people[pid]["ci"] += 1
        people[pid]["cs"] = streak
        people[pid]["cl"] = day
    for inviter, at in db.session.execute(
        select(Membership.referred_by_id, Membership.joined_at).where(
            Membership.campaign_id == cid, Membership.referred_by_id.is_not(None)
        )
    ):
        people[inviter]["r"] += 1
        people[inviter][f"r:{at.astimezone(tz).date().isoformat()}"] += 1
    return people


def reconcile_campaign(campaign: Campaign) -> dict[str, Any]:
    """Rewrite every hot key of `campaign` from the ledger; returns what changed."""
    from core.models import CampaignVersion

    conn = hotstate.client()
    version = db.session.get(CampaignVersion, campaign.published_version_id)
    live = compile_version(version, campaign.slug)
    prizes = db.session.scalars(select(Prize).where(Prize.campaign_id == campaign.id)).all()
    before = conn.hgetall(hotstate.stock_key(campaign.id))
    stock = {p.key: p.stock_total - p.issued for p in prizes if p.stock_total is not None}
    drift = {k: (before.get(k), v) for k, v in stock.items() if str(v) != before.get(k)}
    today = live.local_day(utcnow())
    release: dict[str, int] = defaultdict(int)
    branches: dict[str, int] = defaultdict(int)
    for prize, branch, won, at in db.session.execute(
        select(Draw.prize_key, Draw.branch_code, Draw.won, Draw.created_at).where(
            Draw.campaign_id == campaign.id
        )
    ):
        daily = live.prizes.get(prize or "", {}).get("daily_release")
        if daily is not None and at.astimezone(live.tz).date().isoformat() == today:
            release[prize] += 1
        if won and branch:
            branches[branch] += 1
    votes = dict(
        db.session.execute(
            select(Vote.candidate, func.count(Vote.id))
            .where(Vote.campaign_id == campaign.id)
            .group_by(Vote.candidate)
        ).all()
    )
    people = _person_fields(campaign, live.tz)
    limits = _issuer_limits(campaign, live)
    pipe = conn.pipeline(transaction=True)
    for key in conn.scan_iter(f"{hotstate.prefix(campaign.id)}:*"):
        if ":boosts:" not in key:
            pipe.delete(key)
    for key, mapping in (
        (hotstate.stock_key(campaign.id), stock),
        (hotstate.release_key(campaign.id, today), release),
        (hotstate.branch_key(campaign.id), branches),
        (hotstate.votes_key(campaign.id), votes),
        (hotstate.limits_key(campaign.id), limits),
    ):
        if mapping:
            pipe.hset(key, mapping=dict(mapping))
    for pid, fields in people.items():
        pipe.hset(hotstate.person_key(campaign.id, pid), mapping=dict(fields))
    pipe.execute()
    db.session.rollback()
    logger.info("reconciled %s: %d people, stock drift %s", campaign.slug, len(people), drift)
    return {
        "slug": campaign.slug,
        "people": len(people),
        "stock": stock,
        "stock_drift": drift,
        "issuer_limits": limits,
    }


def _issuer_limits(campaign: Campaign, live) -> dict[str, int]:
    """Red packet budget and coupon codes left to promise (runtime.issuer_limits)."""
    from runtime.issuer_limits import counters_from_ledger

    return counters_from_ledger(db.session, campaign.id, live.bundle)


def reconcile(slug: str | None = None) -> list[dict[str, Any]]:
    query = select(Campaign).where(Campaign.published_version_id.is_not(None))
    if slug:
        query = query.where(Campaign.slug == slug)
    campaigns = db.session.scalars(query).all()
    if slug and not campaigns:
        raise LookupError(f"no published campaign {slug!r}")
    return [reconcile_campaign(c) for c in campaigns]
