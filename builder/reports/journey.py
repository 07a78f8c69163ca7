"""One participant's journey through a campaign, for the roles allowed to see it: when they
joined and through whom, every chance granted, every draw with its replay ("why did this
person win this prize": the version, the rules that fired, the odds table and the random
value, replayed from the version's snapshot), the rewards and where they stand, shares,
check-ins, votes, leads and server events. Read through the participant's own indexes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from core.extensions import db
from core.models import (
    ChanceEntry,
    CheckIn,
    Draw,
    Event,
    Lead,
    Membership,
    Participant,
    Reward,
    ShareRecord,
    Vote,
)

logger = logging.getLogger(__name__)
MAX_ROWS = 500  # per kind of step; a journey is one person's, so this is generous


@dataclass
class Step:
    at: datetime
    kind: str
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Journey:
    participant: Participant
    membership: Membership
    inviter: str | None
    invited: int
    draws: list[dict[str, Any]] = field(default_factory=list)
    rewards: list[dict[str, Any]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


def find_member(campaign_id: int, query: str) -> Membership | None:
    """The member whose participant id (as the bank's app knows it) or invitation code is
    `query`."""
    text = query.strip()
    if not text:
        return None
    return db.session.scalars(
        select(Membership)
        .join(Participant, Participant.id == Membership.participant_id)
        .where(
            Membership.campaign_id == campaign_id,
            or_(Participant.external_id == text, Membership.referral_code == text),
        )
        .limit(1)
    ).first()


def replayed(draw: Draw) -> dict[str, Any]:
    """The stored evidence and what replaying it gives."""
    from runtime.replay import replay_draw

    evidence = draw.evidence or {}
    found: dict[str, Any] = {
        "version": evidence.get("version"),
        "rules": (evidence.get("rules") or {}).get("rules") or [],
        "fired": (evidence.get("rules") or {}).get("fired") or [],
        "odds": (evidence.get("odds") or {}).get("entries") or [],
        "total": (evidence.get("odds") or {}).get("total"),
        "guaranteed": (evidence.get("odds") or {}).get("guaranteed", False),
        "random": evidence.get("random", draw.random_value),
        "picked": evidence.get("picked"),
        "refused": evidence.get("refused_reason") or "",
        "replay": None,
    }
    try:
        result = replay_draw(draw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.info("draw %s cannot be replayed: %s", draw.id, exc)
        return found
    found["replay"] = {
        "prize": result.prize,
        "same": result.prize == draw.prize_key and result.odds_match,
        "odds_match": result.odds_match,
    }
    return found


def journey(campaign_id: int, member: Membership) -> Journey:
    pid = member.participant_id
    participant = db.session.get(Participant, pid)
    inviter = None
    if member.referred_by_id is not None:
        inviter = db.session.scalar(
            select(Participant.external_id).where(Participant.id == member.referred_by_id)
        )
    invited = len(
        db.session.scalars(
            select(Membership.id).where(
                Membership.campaign_id == campaign_id, Membership.referred_by_id == pid
            )
        ).all()
    )
    found = Journey(participant, member, inviter, invited)
    found.steps.append(Step(member.joined_at, "join", member.branch_code or ""))

    def rows(model, *order):
        return db.session.scalars(
            select(model)
            .where(model.campaign_id == campaign_id, model.participant_id == pid)
            .order_by(*order)
            .limit(MAX_ROWS)
        ).all()

    for entry in rows(ChanceEntry, ChanceEntry.id):
        found.steps.append(
            Step(
                entry.created_at, "chance", f"{entry.delta:+d} {entry.kind}", {"why": entry.reason}
            )
        )
    rewards = {r.draw_id: r for r in rows(Reward, Reward.id) if r.draw_id is not None}
    for draw in rows(Draw, Draw.id):
        reward = rewards.get(draw.id)
        found.draws.append(
            {
                "id": draw.id,
                "at": draw.created_at,
                "kind": draw.chance_kind,
                "prize": draw.prize_key,
                "won": draw.won,
                "reward": reward,
                "evidence": replayed(draw),
            }
        )
    found.rewards = rows(Reward, Reward.id)
    for share in rows(ShareRecord, ShareRecord.id):
        found.steps.append(Step(share.created_at, "share", share.share_channel))
    for check in rows(CheckIn, CheckIn.id):
        found.steps.append(Step(check.created_at, "check_in", str(check.streak)))
    for vote in rows(Vote, Vote.id):
        found.steps.append(Step(vote.created_at, "vote", vote.candidate))
    for lead in rows(Lead, Lead.id):
        found.steps.append(Step(lead.created_at, "lead", lead.fields.get("product") or ""))
    for event in rows(Event, Event.id):
        found.steps.append(Step(event.created_at, "event", event.type))
    found.steps.sort(key=lambda s: s.at)
    return found
