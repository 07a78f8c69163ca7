"""Invitation figures of a campaign: accepted invitations, viral coefficient, the depth of the
invitation tree, and the top inviters (seed 000's KOLs) with the clicks on their links.

They need the whole invitation graph of a campaign (an invitation can be accepted after the
invitee joined, which changes an existing membership row), so a job recomputes them per
campaign from the memberships that carry an inviter, and reports read the stored result.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.models import Campaign, CampaignInsight, Membership, Participant, utcnow
from runtime.rollups.runner import snapshot
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)

TOP_INVITERS = 20
RECENTLY_ENDED = timedelta(days=2)


def tree_figures(edges: list[tuple[int, int]]) -> dict[str, Any]:
    """From (invitee, inviter) pairs: depth of each invitee (1 = invited by someone nobody
    invited), the depth histogram, and every inviter's direct and total descendants. Safe
    against cycles (A accepted B's code after inviting B)."""
    inviter_of = dict(edges)
    depth: dict[int, int] = {}

    def depth_of(person: int) -> int:
        chain, current = [], person
        while current in inviter_of and current not in depth and current not in chain:
            chain.append(current)
            current = inviter_of[current]
        base = depth.get(current, 0) if current not in chain else 0
        for node in reversed(chain):
            base += 1
            depth[node] = base
        return depth.get(person, 0)

    for invitee in inviter_of:
        depth_of(invitee)
    direct = Counter(inviter_of.values())
    descendants: Counter[int] = Counter()
    for invitee in inviter_of:
        seen, current = set(), invitee
        while current in inviter_of and current not in seen:
            seen.add(current)
            current = inviter_of[current]
            descendants[current] += 1
    histogram = Counter(depth.values())
    return {
        "depth": depth,
        "histogram": {str(k): histogram[k] for k in sorted(histogram)},
        "max_depth": max(histogram, default=0),
        "direct": direct,
        "descendants": descendants,
    }


def campaign_referrals(session: Session, campaign_id: int, clicks: dict[str, int]) -> dict:
    edges = [
        (invitee, inviter)
        for invitee, inviter in session.execute(
            select(Membership.participant_id, Membership.referred_by_id).where(
                Membership.campaign_id == campaign_id, Membership.referred_by_id.is_not(None)
            )
        )
    ]
    members = session.scalar(
        select(func.count()).select_from(Membership).where(Membership.campaign_id == campaign_id)
    )
    tree = tree_figures(edges)
    ranked = sorted(tree["direct"].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_INVITERS]
    people = {}
    if ranked:
        ids = [pid for pid, _ in ranked]
        people = {
            row.participant_id: row
            for row in session.execute(
                select(
                    Membership.participant_id,
                    Membership.referral_code,
                    Membership.branch_code,
                    Participant.external_id,
                )
                .join(Participant, Participant.id == Membership.participant_id)
                .where(Membership.campaign_id == campaign_id, Membership.participant_id.in_(ids))
            )
        }
    top = []
    for pid, count in ranked:
        row = people.get(pid)
        code = row.referral_code if row else None
        top.append(
            {
                "participant_id": pid,
                "external_id": row.external_id if row else None,
                "branch": (row.branch_code if row else None) or "",
                "code": code,
                "invited": count,
                "descendants": tree["descendants"][pid],
                "clicks": clicks.get(code, 0) if code else 0,
            }
        )
    accepted = len(edges)
    return {
        "members": members or 0,
        "accepted": accepted,
        "inviters": len(tree["direct"]),
        "viral_coefficient": round(accepted / members, 4) if members else 0.0,
        "max_depth": tree["max_depth"],
        "depths": tree["histogram"],
        "clicks": sum(clicks.values()),
        "top": top,
    }


def campaigns_to_refresh(session: Session, now: datetime) -> list[int]:
    """Live and paused campaigns, those ended lately, and any never computed."""
    computed = select(CampaignInsight.campaign_id)
    return list(
        session.scalars(
            select(Campaign.id).where(
                or_(
                    Campaign.status.in_(("live", "paused")),
                    Campaign.ends_at >= now - RECENTLY_ENDED,
                    Campaign.id.not_in(computed),
                ),
                Campaign.published_version_id.is_not(None),
            )
        )
    )


def refresh_insights(session: Session, client, campaign_ids: list[int] | None = None) -> int:
    """Recompute the invitation figures of the campaigns that can still change."""
    from runtime.rollups.traffic import clicks_by_code

    now = utcnow()
    with snapshot(session):
        ids = campaign_ids if campaign_ids is not None else campaigns_to_refresh(session, now)
    results: dict[int, dict] = defaultdict(dict)
    for campaign_id in ids:
        clicks = clicks_by_code(client, campaign_id)
        with snapshot(session):
            results[campaign_id] = campaign_referrals(session, campaign_id, clicks)
    with write_gate():
        try:
            for campaign_id, referrals in results.items():
                row = session.get(CampaignInsight, campaign_id)
                if row is None:
                    session.add(
                        CampaignInsight(
                            campaign_id=campaign_id, referrals=referrals, computed_at=now
                        )
                    )
                else:
                    row.referrals, row.computed_at = referrals, now
            session.commit()
        except Exception:
            session.rollback()
            raise
    return len(results)
