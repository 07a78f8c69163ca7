"""What each person sees first (docs/studio.md, "Homes"): a marketer's drafts, drafts sent back
with the reason, and their branch's live campaigns with today's figures; an approver's queue
(what waits for their own level) and what they decided lately; an auditor's latest versions
and audit rows. Plain functions over the signed-in user and their branch scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select

from builder.approvals import next_level, refusal
from builder.review_state import review_text
from core.extensions import db
from core.models import (
    Approval,
    AuditEntry,
    Campaign,
    CampaignVersion,
    RollupBreakdown,
    RollupDay,
    User,
)

RECENT_DAYS = 30


@dataclass
class LiveFigures:
    campaign: Campaign
    participants: int
    draws: int
    cost: float


def my_drafts(user: User, scope: set[int]) -> list[tuple[Campaign, str]]:
    """Drafts the user created or submitted that are not live as they stand."""
    rows = db.session.scalars(
        select(Campaign)
        .where(Campaign.branch_id.in_(scope))
        .where(or_(Campaign.created_by_id == user.id, Campaign.submitted_by_id == user.id))
        .where(Campaign.review_status != "published")
        .order_by(Campaign.updated_at.desc())
        .limit(20)
    ).all()
    return [(c, review_text(c)) for c in rows]


def sent_back(user: User, scope: set[int]) -> list[dict[str, Any]]:
    """The user's submissions sent back, each with who sent it back and why."""
    rows = db.session.execute(
        select(Campaign, Approval, User)
        .join(Approval, Approval.campaign_id == Campaign.id)
        .join(User, User.id == Approval.decided_by_id)
        .where(Campaign.branch_id.in_(scope), Campaign.review_status == "rejected")
        .where(Campaign.submitted_by_id == user.id)
        .where(Approval.round == Campaign.review_round, Approval.decision == "rejected")
        .order_by(Approval.decided_at.desc())
    ).all()
    return [
        {"campaign": c, "reason": a.reason, "by": u.display_name or u.username, "at": a.decided_at}
        for c, a, u in rows
    ]


def live_figures(scope: set[int]) -> list[LiveFigures]:
    """Live campaigns of the user's branches with today's new participants, draws and prize cost
    (the live version's value per prize times today's wins), read from the report rollups
    (runtime.rollups, a minute behind): today is the campaign's own local day."""
    campaigns = db.session.scalars(
        select(Campaign)
        .where(Campaign.branch_id.in_(scope), Campaign.status == "live")
        .order_by(Campaign.name)
        .limit(30)
    ).all()
    figures = []
    for campaign in campaigns:
        snapshot = campaign.published_version.snapshot if campaign.published_version else {}
        zone = (snapshot.get("schedule") or {}).get("timezone")
        day = datetime.now(ZoneInfo(zone or current_app.config["STUDIO_TIMEZONE"])).date()
        joins, draws = db.session.execute(
            select(
                func.coalesce(func.sum(RollupDay.joins), 0),
                func.coalesce(func.sum(RollupDay.draws), 0),
            ).where(RollupDay.campaign_id == campaign.id, RollupDay.day == day.isoformat())
        ).one()
        wins = db.session.execute(
            select(RollupBreakdown.item, RollupBreakdown.count).where(
                RollupBreakdown.campaign_id == campaign.id,
                RollupBreakdown.dimension == "prize",
                RollupBreakdown.day == day.isoformat(),
            )
        ).all()
        values = {p["key"]: float(p.get("value") or 0) for p in snapshot.get("prizes") or []}
        cost = sum(values.get(key, 0.0) * count for key, count in wins)
        figures.append(LiveFigures(campaign, joins, draws, cost))
    return figures


def waiting_for_me(user: User, scope: set[int]) -> list[tuple[Campaign, str]]:
    """Submitted drafts whose next level is decided at the user's branch and that the user may
    decide (not their own, no level of it decided by them already)."""
    submitted = db.session.scalars(
        select(Campaign)
        .where(Campaign.branch_id.in_(scope), Campaign.review_status == "submitted")
        .order_by(Campaign.submitted_at)
    ).all()
    queue = []
    for campaign in submitted:
        level = next_level(campaign)
        if level is not None and level.branch_id == user.branch_id:
            if refusal(user, campaign) is None:
                queue.append((campaign, review_text(campaign)))
    return queue


def ready_to_publish(scope: set[int]) -> list[Campaign]:
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.branch_id.in_(scope), Campaign.review_status == "approved")
            .order_by(Campaign.updated_at.desc())
        )
    )


def decided_recently(user: User) -> list[tuple[Approval, Campaign]]:
    since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    return list(
        db.session.execute(
            select(Approval, Campaign)
            .join(Campaign, Campaign.id == Approval.campaign_id)
            .where(Approval.decided_by_id == user.id, Approval.decided_at >= since)
            .order_by(Approval.decided_at.desc())
            .limit(20)
        ).all()
    )


def latest_versions(scope: set[int], limit: int = 10) -> list[tuple[CampaignVersion, Campaign]]:
    return list(
        db.session.execute(
            select(CampaignVersion, Campaign)
            .join(Campaign, Campaign.id == CampaignVersion.campaign_id)
            .where(Campaign.branch_id.in_(scope))
            .order_by(CampaignVersion.created_at.desc())
            .limit(limit)
        ).all()
    )


def latest_audit(user: User, scope: set[int], limit: int = 10) -> list[AuditEntry]:
    """The latest audit rows the user may read (head office reads every row)."""
    from core.scope import is_head_office

    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if not is_head_office(user):
        query = query.where(AuditEntry.branch_id.in_(scope))
    return list(db.session.scalars(query))
