"""The approval workflow: submit a draft, approve it level by level, publish it.

The number of levels comes from the campaign's branch (seed 000: three levels). Approvals
belong to one draft (its content hash): any edit after submission leaves the new draft with no
approvals, so it has to be submitted and approved again. Nobody approves their own submission
or two levels of the same draft, and every step writes an audit row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from builder.auth import branch_scope
from core import audit
from core.extensions import db
from core.models import Approval, Campaign, CampaignVersion, User
from core.roles import has_permission


class ReviewError(ValueError):
    """A workflow step was refused; `field` names what to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def required_levels(campaign: Campaign) -> int:
    return campaign.branch.approval_levels


def current_decisions(campaign: Campaign) -> list[Approval]:
    return list(
        db.session.scalars(
            select(Approval)
            .where(Approval.campaign_id == campaign.id, Approval.draft_hash == campaign.draft_hash)
            .order_by(Approval.level)
        )
    )


def check_allowed(user: User, campaign: Campaign, permission: str) -> None:
    if not has_permission(user.role, permission):
        raise ReviewError(
            "role", f"Your role ({user.role}) may not {permission.replace('_', ' ')}."
        )
    if campaign.branch_id not in branch_scope(user):
        raise ReviewError("branch", "This campaign belongs to a branch outside yours.")


def draft_differs_from_live(campaign: Campaign) -> bool:
    if campaign.published_version_id is None:
        return True
    version = db.session.get(CampaignVersion, campaign.published_version_id)
    return version.content_hash != campaign.draft_hash


def submit(campaign: Campaign, user: User) -> Campaign:
    from rules import validate_bundle

    check_allowed(user, campaign, "edit_campaign")
    if campaign.review_status == "submitted":
        raise ReviewError("review_status", "This draft is already waiting for approval.")
    if not draft_differs_from_live(campaign):
        raise ReviewError("draft", "The draft is the same as the live version; nothing to submit.")
    problems = validate_bundle(campaign.draft)
    if problems:
        raise ReviewError(
            problems[0].path, f"The draft has {len(problems)} problem(s): {problems[0].message}"
        )
    before = campaign.review_status
    campaign.review_status = "submitted"
    campaign.submitted_by_id = user.id
    campaign.submitted_at = datetime.now(UTC)
    if campaign.status == "draft":
        campaign.status = "pending_approval"
    audit.record(
        "campaign.submit",
        "campaign",
        campaign.id,
        actor=user,
        before={"review_status": before},
        after={
            "review_status": "submitted",
            "draft_hash": campaign.draft_hash,
            "levels": required_levels(campaign),
        },
    )
    db.session.commit()
    return campaign


def decide(campaign: Campaign, user: User, approve: bool, reason: str | None = None) -> Approval:
    check_allowed(user, campaign, "approve")
    if campaign.review_status != "submitted":
        raise ReviewError("review_status", "Only a submitted draft can be approved or sent back.")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ReviewError("reason", "Say why the draft is sent back, so the marketer can fix it.")
    if user.id == campaign.submitted_by_id:
        raise ReviewError("approver", "You submitted this draft; another approver must decide.")
    decisions = current_decisions(campaign)
    if any(d.decided_by_id == user.id for d in decisions):
        raise ReviewError("approver", "You already approved a level of this draft.")
    level = len(decisions) + 1
    decision = Approval(
        campaign_id=campaign.id,
        draft_hash=campaign.draft_hash,
        level=level,
        decision="approved" if approve else "rejected",
        reason=reason or None,
        decided_by_id=user.id,
    )
    db.session.add(decision)
    if not approve:
        campaign.review_status = "rejected"
        if campaign.status == "pending_approval":
            campaign.status = "draft"
    elif level >= required_levels(campaign):
        campaign.review_status = "approved"
        if campaign.status == "pending_approval":
            campaign.status = "approved"
    audit.record(
        f"campaign.{'approve' if approve else 'reject'}",
        "campaign",
        campaign.id,
        actor=user,
        after={
            "level": level,
            "of": required_levels(campaign),
            "reason": reason or None,
            "draft_hash": campaign.draft_hash,
        },
    )
    db.session.commit()
    return decision


def publish_approved(campaign: Campaign, user: User, note: str | None = None) -> CampaignVersion:
    from runtime.publishing import publish_campaign

    check_allowed(user, campaign, "publish")
    if campaign.review_status != "approved":
        raise ReviewError("review_status", "Only a draft approved at every level can be published.")
    approvals = [approval_record(a) for a in current_decisions(campaign)]
    version = publish_campaign(campaign, user, note=note, approvals=approvals)
    campaign.review_status = "published"
    db.session.commit()
    return version


def approval_record(approval: Approval) -> dict[str, Any]:
    approver = db.session.get(User, approval.decided_by_id)
    return {
        "level": approval.level,
        "decision": approval.decision,
        "reason": approval.reason,
        "approver": approver.username if approver else None,
        "decided_at": approval.decided_at.isoformat(),
    }
