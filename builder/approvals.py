"""The approval workflow: submit a draft, approve it level by level, publish it; roll back.

Each submission opens a review round. Level n of a round is decided by an approver of the n-th
branch of the owning branch's chain (builder.review_chain); the database keeps one decision
per level and round. Nobody decides two levels of a round, and nobody who wrote the draft
(created it, edited it or asked for the rollback since the last publication) decides any.
Any edit after submission sends the draft back to editing: its next submission is a new round
with no approvals. A rollback is a change like any other: it puts the chosen version's snapshot
in the draft and submits it to the same chain. The submitter is told of every decision and of
the publication, and the approvers who may decide the level a draft waits for are told it waits
for them (builder.notices); every step writes an audit row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from builder.auth import branch_scope
from builder.i18n import N_
from builder.review_chain import Level, chain_for
from core import audit
from core.extensions import db
from core.models import Approval, AuditEntry, Branch, Campaign, CampaignVersion, User
from core.roles import has_permission

AUTHORING_ACTIONS = ("campaign.create", "campaign.update_draft", "campaign.rollback")


class ReviewError(ValueError):
    """A workflow step was refused; `field` names what to fix. `message` is a message id,
    formatted with `params` once translated (builder.i18n)."""

    def __init__(self, field: str, message: str, **params: Any):
        super().__init__(message.format(**params) if params else message)
        self.field = field
        self.message = message
        self.params = params


def required_levels(campaign: Campaign) -> int:
    return campaign.branch.approval_levels


def current_decisions(campaign: Campaign) -> list[Approval]:
    """The decisions of the campaign's current review round, by level."""
    if not campaign.review_round:
        return []
    return list(
        db.session.scalars(
            select(Approval)
            .where(Approval.campaign_id == campaign.id, Approval.round == campaign.review_round)
            .order_by(Approval.level)
        )
    )


def next_level(campaign: Campaign) -> Level | None:
    """The level a submitted draft waits for, or None when it waits for nobody."""
    if campaign.review_status != "submitted":
        return None
    decided = len(current_decisions(campaign))
    chain = chain_for(campaign)
    return chain[decided] if decided < len(chain) else None


def check_allowed(user: User, campaign: Campaign, permission: str) -> None:
    if not has_permission(user.role, permission):
        raise ReviewError("role", N_("Your role may not do this."))
    if campaign.branch_id not in branch_scope(user):
        raise ReviewError("branch", N_("This campaign belongs to a branch outside yours."))


def draft_differs_from_live(campaign: Campaign) -> bool:
    if campaign.published_version_id is None:
        return True
    version = db.session.get(CampaignVersion, campaign.published_version_id)
    return version.content_hash != campaign.draft_hash


def draft_authors(campaign: Campaign) -> set[int]:
    """Who wrote the draft under review: its submitter, and everyone who created, changed or
    rolled back the draft since the campaign's last publication (from the audit log)."""
    rows = db.session.execute(
        select(AuditEntry.id, AuditEntry.action, AuditEntry.actor_id, AuditEntry.after)
        .where(AuditEntry.object_type == "campaign", AuditEntry.object_id == str(campaign.id))
        .where(AuditEntry.action.in_((*AUTHORING_ACTIONS, "campaign.publish")))
        .order_by(AuditEntry.id)
    ).all()
    authors: set[int] = set()
    for _id, action, actor_id, after in rows:
        if action == "campaign.publish":
            authors.clear()
        elif actor_id is not None and (action != "campaign.update_draft" or _changed(after)):
            authors.add(actor_id)
    if campaign.submitted_by_id is not None:
        authors.add(campaign.submitted_by_id)
    return authors


def _changed(after: Any) -> bool:
    """An update_draft row that changed something (older rows, without fields, count)."""
    return not isinstance(after, dict) or "fields" not in after or bool(after["fields"])


def submit(campaign: Campaign, user: User) -> Campaign:
    check_allowed(user, campaign, "edit_campaign")
    return _submit(campaign, user)


def _submit(campaign: Campaign, user: User) -> Campaign:
    from rules import validate_bundle

    if campaign.review_status == "submitted":
        raise ReviewError("review_status", N_("This draft is already waiting for approval."))
    if not draft_differs_from_live(campaign):
        raise ReviewError(
            "draft", N_("The draft is the same as the live version; nothing to submit.")
        )
    problems = validate_bundle(campaign.draft)
    if problems:
        raise ReviewError(
            problems[0].path,
            N_("The draft has {count} problem(s); fix them before submitting."),
            count=len(problems),
        )
    over = period_over(campaign.draft)
    if over is not None:
        raise over
    before = campaign.review_status
    campaign.review_status = "submitted"
    campaign.review_round = (campaign.review_round or 0) + 1
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
            "round": campaign.review_round,
            "draft_hash": campaign.draft_hash,
            "levels": required_levels(campaign),
            "rollback_of": campaign.rollback_of,
        },
    )
    tell_deciders(campaign, user)
    db.session.commit()
    return campaign


def period_over(bundle: Any, now: datetime | None = None) -> ReviewError | None:
    """Why a draft whose whole period is already over may not be submitted (it would never
    open): its end and the time now, in the campaign's own zone. None while it ends after now,
    and for malformed dates (the bundle's validation names those)."""
    from rules.windows import campaign_bounds

    try:
        _start, end = campaign_bounds(bundle["schedule"])
        zone = bundle["schedule"].get("timezone", "Asia/Shanghai")
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    now = (now or datetime.now(UTC)).astimezone(end.tzinfo)
    if end > now:
        return None
    return ReviewError(
        "schedule.ends_at",
        N_(
            "Ends at {end} ({zone}) has passed, it is now {now}: the campaign would never "
            "open. Move its end after now."
        ),
        end=end.strftime("%Y-%m-%d %H:%M"),
        now=now.strftime("%Y-%m-%d %H:%M"),
        zone=zone,
    )


def refusal(user: User, campaign: Campaign) -> ReviewError | None:
    """Why `user` may not decide the level `campaign` waits for, or None if they may."""
    try:
        check_allowed(user, campaign, "approve")
    except ReviewError as exc:
        return exc
    if campaign.review_status != "submitted":
        return ReviewError(
            "review_status", N_("Only a submitted draft can be approved or sent back.")
        )
    decisions = current_decisions(campaign)
    chain = chain_for(campaign)
    if len(decisions) >= len(chain):  # every level decided: nothing waits for a decision
        return ReviewError(
            "review_status", N_("Only a submitted draft can be approved or sent back.")
        )
    level = chain[len(decisions)]
    if user.id in draft_authors(campaign):
        return ReviewError(
            "approver", N_("You wrote or submitted this draft; other approvers decide it.")
        )
    mine = next((d for d in decisions if d.decided_by_id == user.id), None)
    if mine is not None:
        return ReviewError(
            "approver",
            N_("You already decided level {decided}; another approver decides level {level}."),
            decided=mine.level,
            level=level.number,
        )
    if user.branch_id != level.branch_id:
        return ReviewError(
            "approver",
            N_("Level {level} of {levels} is decided by an approver of {branch}."),
            level=level.number,
            levels=len(chain),
            branch=level.branch_name,
        )
    return None


def deciders(campaign: Campaign) -> list[User]:
    """Everyone who may decide the level the submitted draft waits for now: the active users
    of that level's branch whom `refusal` lets decide (as the approver's home lists it)."""
    level = next_level(campaign)
    if level is None:
        return []
    users = db.session.scalars(
        select(User)
        .where(User.branch_id == level.branch_id, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return [user for user in users if refusal(user, campaign) is None]


def tell_deciders(campaign: Campaign, actor: User) -> None:
    """A notice for each person who may decide the level the draft now waits for."""
    from builder.notices import notify_deciders

    level = next_level(campaign)
    if level is not None:
        notify_deciders(campaign, deciders(campaign), actor=actor, level=level.number)


def decide(campaign: Campaign, user: User, approve: bool, reason: str | None = None) -> Approval:
    """Record `user`'s decision on the level the draft waits for (refused if not theirs)."""
    from builder.notices import notify

    reason = (reason or "").strip()
    refused = refusal(user, campaign)
    if refused is not None:
        raise refused
    if not approve and not reason:
        raise ReviewError(
            "reason", N_("Say why the draft is sent back, so the marketer can fix it.")
        )
    chain = chain_for(campaign)
    level = chain[len(current_decisions(campaign))]
    decision = Approval(
        campaign_id=campaign.id,
        draft_hash=campaign.draft_hash,
        round=campaign.review_round,
        level=level.number,
        branch_id=level.branch_id,
        decision="approved" if approve else "rejected",
        reason=reason or None,
        decided_by_id=user.id,
    )
    db.session.add(decision)
    if not approve:
        campaign.review_status = "rejected"
        if campaign.status == "pending_approval":
            campaign.status = "draft"
    elif level.number >= len(chain):
        campaign.review_status = "approved"
        if campaign.status == "pending_approval":
            campaign.status = "approved"
    try:
        db.session.flush()
    except IntegrityError:  # another approver decided this level a moment earlier
        db.session.rollback()
        raise ReviewError(
            "approver", N_("Level {level} was decided a moment ago."), level=level.number
        ) from None
    audit.record(
        f"campaign.{'approve' if approve else 'reject'}",
        "campaign",
        campaign.id,
        actor=user,
        before={"review_status": "submitted"},
        after={
            "review_status": campaign.review_status,
            "level": level.number,
            "of": len(chain),
            "level_branch": level.branch_name,
            "reason": reason or None,
            "round": campaign.review_round,
            "draft_hash": campaign.draft_hash,
        },
    )
    if not approve:
        kind = "rejected"
    else:
        kind = "approved" if campaign.review_status == "approved" else "level_approved"
    notify(campaign, kind, actor=user, level=level.number, reason=reason or None)
    if kind == "level_approved":
        tell_deciders(campaign, user)
    db.session.commit()
    return decision


def publish_approved(
    campaign: Campaign, user: User, note: str | None = None, now: datetime | None = None
) -> CampaignVersion:
    """Publish a draft approved at every level; refused, as at submission, when its period
    ended while it was under review (it would never open)."""
    from builder.notices import notify
    from runtime.publishing import publish_campaign

    check_allowed(user, campaign, "publish")
    if campaign.review_status != "approved":
        raise ReviewError(
            "review_status", N_("Only a draft approved at every level can be published.")
        )
    over = period_over(campaign.draft, now)
    if over is not None:
        raise over
    approvals = [approval_record(a) for a in current_decisions(campaign)]
    version = publish_campaign(campaign, user, note=note, approvals=approvals)
    campaign.review_status = "published"
    notify(campaign, "published", actor=user, version_number=version.number)
    db.session.commit()
    return version


def request_rollback(campaign: Campaign, version_number: int, user: User) -> Campaign:
    """Put version `version_number`'s snapshot in the draft and submit it to the chain; the
    live version keeps serving until the rollback is approved and published."""
    from runtime.publishing import rollback_campaign

    if not (has_permission(user.role, "edit_campaign") or has_permission(user.role, "publish")):
        raise ReviewError("role", N_("Your role may not do this."))
    check_allowed(user, campaign, "view")
    if campaign.review_status in ("submitted", "approved"):
        raise ReviewError(
            "review_status",
            N_("A change is under review; wait for its decision before rolling back."),
        )
    rollback_campaign(campaign, version_number, user)
    try:
        return _submit(campaign, user)
    except ReviewError:
        db.session.rollback()
        raise


def approval_record(approval: Approval) -> dict[str, Any]:
    """One decision as a version keeps it: level, its branch, who, when, why."""
    approver = db.session.get(User, approval.decided_by_id)
    branch = db.session.get(Branch, approval.branch_id) if approval.branch_id else None
    return {
        "level": approval.level,
        "decision": approval.decision,
        "reason": approval.reason,
        "approver": approver.username if approver else None,
        "approver_name": (approver.display_name or approver.username) if approver else None,
        "branch": branch.code if branch else None,
        "branch_name": branch.name if branch else None,
        "decided_at": approval.decided_at.isoformat(),
    }
