"""Writing the audit log: every studio change records who, when, what, before and after, what
the object was called, and the branch it belongs to, so each auditor reads only their own
subtree's rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import select

from core.extensions import db
from core.models import (
    AudienceList,
    AuditEntry,
    Branch,
    Campaign,
    Channel,
    CouponPool,
    PointsEntry,
    PointsRequest,
    Reward,
    Right,
    User,
)


def _campaign_branch(campaign_id: Any) -> int | None:
    return db.session.scalar(select(Campaign.branch_id).where(Campaign.id == campaign_id))


def _via_campaign(column) -> Callable[[Any], int | None]:
    """The owning branch of a row that points at a campaign (`column` holds the row's key)."""

    def resolve(object_id: Any) -> int | None:
        return db.session.scalar(
            select(Campaign.branch_id)
            .join(column.class_, column.class_.campaign_id == Campaign.id)
            .where(column == object_id)
        )

    return resolve


def _user_branch(user_id: Any) -> int | None:
    return db.session.scalar(select(User.branch_id).where(User.id == user_id))


def _request_branch(request_id: Any) -> int | None:
    return db.session.scalar(select(PointsRequest.branch_id).where(PointsRequest.id == request_id))


# object_type -> the branch owning that object, read at write time. An object type missing
# here (or an object with no branch, such as a bank-wide code pool) falls back to the actor.
OBJECT_BRANCH: dict[str, Callable[[Any], int | None]] = {
    "campaign": _campaign_branch,
    "campaigns": _campaign_branch,
    "user": _user_branch,
    "users": _user_branch,
    "branch": int,
    "branches": int,
    "reward": _via_campaign(Reward.id),
    "points_entry": _via_campaign(PointsEntry.id),
    "points_request": _request_branch,
    "coupon_pool": _via_campaign(CouponPool.key),
    "rights": lambda object_id: db.session.scalar(
        select(Right.branch_id).where(Right.id == int(object_id))
    ),
    "audience_list": lambda object_id: db.session.scalar(
        select(AudienceList.branch_id).where(AudienceList.id == int(object_id))
    ),
}


def _name_of(column, key_column=None) -> Callable[[Any], str | None]:
    """The label of a row: `column` of the row whose key (`key_column`, else id) is the id."""

    def resolve(object_id: Any) -> str | None:
        if key_column is not None:
            return db.session.scalar(select(column).where(key_column == str(object_id)))
        return db.session.scalar(select(column).where(column.class_.id == int(object_id)))

    return resolve


def _user_label(user_id: Any) -> str | None:
    row = db.session.execute(
        select(User.username, User.display_name).where(User.id == int(user_id))
    ).first()
    if row is None:
        return None
    username, display = row
    return f"{display} ({username})" if display and display != username else username


def _row_in_campaign(model) -> Callable[[Any], str | None]:
    """`#id campaign name` for a ledger row that points at a campaign."""

    def resolve(object_id: Any) -> str | None:
        name = db.session.scalar(
            select(Campaign.name)
            .join(model, model.campaign_id == Campaign.id)
            .where(model.id == int(object_id))
        )
        return f"#{object_id} {name}" if name else f"#{object_id}"

    return resolve


# object_type -> what the object is called, read at write time and kept on the row
OBJECT_LABEL: dict[str, Callable[[Any], str | None]] = {
    "campaign": _name_of(Campaign.name),
    "campaigns": _name_of(Campaign.name),
    "user": _user_label,
    "users": _user_label,
    "branch": _name_of(Branch.name),
    "branches": _name_of(Branch.name),
    "channel": _name_of(Channel.name),
    "channels": _name_of(Channel.name),
    "coupon_pool": _name_of(CouponPool.name, CouponPool.key),
    "rights": _name_of(Right.name),
    "audience_list": _name_of(AudienceList.name),
    "reward": _row_in_campaign(Reward),
    "points_entry": _row_in_campaign(PointsEntry),
    "points_request": _row_in_campaign(PointsRequest),
}


def object_label(object_type: str, object_id: Any) -> str | None:
    """What the object is called now (None for an unknown type or a missing row)."""
    resolve = OBJECT_LABEL.get(object_type)
    if resolve is None or object_id is None:
        return None
    try:
        value = resolve(object_id)
    except (ValueError, TypeError):
        return None
    return None if value is None else str(value)[:200]


def owning_branch(object_type: str, object_id: Any, actor: User | None) -> int | None:
    """The branch an audit row belongs to: the object's owner, else the actor's branch, else
    None (system work on bank-wide objects: visible to head office only)."""
    resolve = OBJECT_BRANCH.get(object_type)
    branch_id = resolve(object_id) if resolve is not None and object_id is not None else None
    if branch_id is None and actor is not None:
        branch_id = actor.branch_id
    return branch_id


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    branch_id: int | None = None,
    label: str | None = None,
) -> AuditEntry:
    """Add an audit row to the current session; it commits with the change it describes.
    `branch_id` overrides the owning branch derived from the object or the actor; `label`
    what the object is called (else read from the object, core.audit.OBJECT_LABEL)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor=actor_label or (actor.username if actor is not None else "system"),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        object_label=label if label is not None else object_label(object_type, object_id),
        before=before,
        after=after,
        request_id=g.get("request_id") if has_request_context() else None,
        ip=request.remote_addr if has_request_context() else None,
        branch_id=branch_id
        if branch_id is not None
        else owning_branch(object_type, object_id, actor),
    )
    db.session.add(entry)
    return entry
