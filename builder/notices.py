"""Telling a submitter what happened to their draft: approved at a level, approved at every
level, sent back (with the approver's reason) or published; and telling each approver who may
decide the level a submitted draft (or rollback) now waits for. Notices are rows (StudioNotice),
written in the transaction of the step they report, shown on the person's home page and counted
in the navbar until read."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from builder.i18n import N_, current_language, pick, translate
from core.extensions import db
from core.models import Campaign, StudioNotice, User
from core.roles import ROLES, has_permission

MESSAGES = {
    "level_approved": N_("{campaign}: level {level} approved by {actor}."),
    "approved": N_("{campaign}: approved at every level (the last by {actor}); ready to publish."),
    "rejected": N_("{campaign}: sent back by {actor}: {reason}"),
    "published": N_("{campaign}: published as version {version} by {actor}."),
    "to_decide": N_("{campaign}: submitted by {actor}; level {level} waits for your decision."),
}
# "to_decide" for a rollback, and for a level after the first (the previous one approved)
ROLLBACK_TO_DECIDE = N_(
    "{campaign}: {actor} asks to roll back to version {version}; level {level} waits for your "
    "decision."
)
NEXT_LEVEL_TO_DECIDE = N_(
    "{campaign}: level {previous} approved by {actor}; level {level} waits for your decision."
)
# "approved", read by someone who may not publish (a marketer): who will
WAITING_FOR_PUBLISHER = N_(
    "{campaign}: approved at every level (the last by {actor}); it waits for someone who may "
    "publish ({roles}, at {branch} or above) to publish it."
)


def notify(
    campaign: Campaign,
    kind: str,
    *,
    actor: User,
    level: int | None = None,
    reason: str | None = None,
    version_number: int | None = None,
) -> StudioNotice | None:
    """Add a notice for the campaign's submitter (none when the submitter did it themselves)."""
    recipient = campaign.submitted_by_id
    if recipient is None or recipient == actor.id:
        return None
    notice = StudioNotice(
        user_id=recipient,
        campaign_id=campaign.id,
        kind=kind,
        level=level,
        reason=reason,
        version_number=version_number,
        actor_id=actor.id,
    )
    db.session.add(notice)
    return notice


def notify_deciders(
    campaign: Campaign, deciders: list[User], *, actor: User, level: int
) -> list[StudioNotice]:
    """Tell each of `deciders` that the campaign's draft waits for their decision at `level`
    (a rollback names the version it goes back to)."""
    notices = [
        StudioNotice(
            user_id=user.id,
            campaign_id=campaign.id,
            kind="to_decide",
            level=level,
            version_number=campaign.rollback_of,
            actor_id=actor.id,
        )
        for user in deciders
        if user.id != actor.id
    ]
    db.session.add_all(notices)
    return notices


def notices_for(user: User, limit: int = 20) -> list[StudioNotice]:
    return list(
        db.session.scalars(
            select(StudioNotice)
            .where(StudioNotice.user_id == user.id)
            .order_by(StudioNotice.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(StudioNotice.id)).where(
                StudioNotice.user_id == user.id, StudioNotice.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(user: User) -> int:
    """Mark every notice of `user` read; returns how many were unread."""
    result = db.session.execute(
        update(StudioNotice)
        .where(StudioNotice.user_id == user.id, StudioNotice.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    db.session.commit()
    return result.rowcount or 0


def notice_text(notice: StudioNotice) -> str:
    """The notice in the reader's language; "approved" says who publishes when the reader
    may not."""
    actor = notice.actor
    message = MESSAGES[notice.kind]
    reader = db.session.get(User, notice.user_id)
    if notice.kind == "approved" and not (reader and has_permission(reader.role, "publish")):
        message = WAITING_FOR_PUBLISHER
    elif notice.kind == "to_decide" and (notice.level or 1) > 1:
        message = NEXT_LEVEL_TO_DECIDE
    elif notice.kind == "to_decide" and notice.version_number:
        message = ROLLBACK_TO_DECIDE
    return translate(message).format(
        campaign=notice.campaign.name,
        level=notice.level,
        previous=(notice.level or 1) - 1,
        actor=(actor.display_name or actor.username) if actor else "",
        reason=notice.reason or "",
        version=notice.version_number,
        roles=publisher_roles(),
        branch=pick(notice.campaign.branch.name, notice.campaign.branch.name_en),
    )


def publisher_roles() -> str:
    """The roles that may publish (core.roles), named in the reader's language."""
    names = [pick(r.name_zh, r.name_en) for r in ROLES.values() if "publish" in r.permissions]
    return ("、" if current_language() == "zh" else ", ").join(names)
