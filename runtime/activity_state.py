"""What the participant pages show beyond counters: invitations that turned into members,
this month's check-in days, today's votes, and the live vote counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.extensions import db
from core.models import CheckIn, Membership, Vote, utcnow
from runtime import hotstate
from runtime.loader import LiveVersion
from runtime.reads import reading


def local_today(live: LiveVersion, now: datetime | None = None) -> str:
    return local_day(live, now or utcnow())


def local_day(live: LiveVersion, moment: datetime) -> str:
    zone = ZoneInfo(live.bundle["schedule"]["timezone"])
    return moment.astimezone(zone).date().isoformat()


def activity_state(
    live: LiveVersion, participant_id: int, now: datetime | None = None
) -> dict[str, Any]:
    today = local_today(live, now)
    month = today[:7]
    with reading():
        referrals = db.session.scalar(
            select(func.count()).where(
                Membership.campaign_id == live.campaign_id,
                Membership.referred_by_id == participant_id,
            )
        )
        days = db.session.scalars(
            select(CheckIn.day).where(
                CheckIn.campaign_id == live.campaign_id,
                CheckIn.participant_id == participant_id,
                CheckIn.day.like(f"{month}-%"),
            )
        ).all()
        # today's votes, and those of a campaign where a candidate takes one vote ever ("all")
        voted = db.session.execute(
            select(Vote.candidate, Vote.day, Vote.created_at).where(
                Vote.campaign_id == live.campaign_id,
                Vote.participant_id == participant_id,
                Vote.day.in_((today, "all")),
            )
        ).all()
    return {
        "referrals": referrals or 0,
        "checkin_days": sorted(days),
        "checked_in_today": today in days,
        # cast today, as the daily limit counts them (`votes_today`, counter v:<day>)
        "votes_today": sum(
            1 for v in voted if v.day == today or local_day(live, v.created_at) == today
        ),
        # the candidates I cannot vote for again now: today's, or ever's with vote_period once
        "voted_today": sorted({v.candidate for v in voted}),
    }


def empty_activity_state() -> dict[str, Any]:
    return {
        "referrals": 0,
        "checkin_days": [],
        "checked_in_today": False,
        "votes_today": 0,
        "voted_today": [],
    }


def vote_counts(live: LiveVersion) -> dict[str, int]:
    """Live counts from Redis (incremented after each committed vote), for vote widgets only."""
    if live.bundle["widget"]["type"] != "vote":
        return {}
    counts = hotstate.client().hgetall(hotstate.votes_key(live.campaign_id))
    return {candidate: int(count) for candidate, count in counts.items()}
