"""The audit log in words: each action by its label, each object by its kind and name, and each
row's before and after as fields with their values. Content changes (a draft edit, a rollback,
a publication) read as the approver's diff does (builder.changes); other rows list their fields
by label. The screen and the CSV export both read rows through `entry_changes`."""

from __future__ import annotations

from typing import Any

from builder.i18n import N_, review_label, status_label, translate

ACTION_LABELS = {
    "campaign.create": N_("Campaign created"),
    "campaign.update_draft": N_("Draft edited"),
    "campaign.rollback": N_("Rollback requested"),
    "campaign.submit": N_("Submitted for approval"),
    "campaign.approve": N_("Approved"),
    "campaign.reject": N_("Sent back"),
    "campaign.publish": N_("Published"),
    "campaign.pause": N_("Paused"),
    "campaign.resume": N_("Resumed"),
    "campaign.end": N_("Ended"),
    "campaign.start": N_("Started by the schedule"),
    "user.login": N_("Signed in"),
    "user.login_failed": N_("Sign-in refused"),
    "user.logout": N_("Signed out"),
    "user.create": N_("Staff account created"),
    "users.create": N_("Staff account created"),
    "users.update": N_("Staff account changed"),
    "branches.create": N_("Branch created"),
    "branch.create": N_("Branch created"),
    "branches.update": N_("Branch changed"),
    "channel.create": N_("Channel created"),
    "channel.rotate_secret": N_("Channel secret replaced"),
    "rights.create": N_("Right added to the library"),
    "rights.update": N_("Right changed"),
    "audience_list.create": N_("Audience list created"),
    "audience_list.upload": N_("Audience list uploaded"),
    "coupons.upload": N_("Codes uploaded"),
    "reward.retry": N_("Reward retried"),
    "reward.cancel": N_("Reward cancelled"),
    "fulfilment.address": N_("Delivery address entered"),
    "fulfilment.shipped": N_("Parcel shipped"),
    "fulfilment.delivered": N_("Parcel delivered"),
    "calendar_entry.create": N_("Calendar entry planned"),
    "calendar_entry.update": N_("Calendar entry changed"),
    "calendar_entry.delete": N_("Calendar entry removed"),
    "participant.journey": N_("Participant journey viewed"),
    "points.credit": N_("Points entered"),
    "points.request": N_("Points entry waiting for approval"),
    "points.approve": N_("Points entry approved"),
    "points.refuse": N_("Points entry refused"),
}
OBJECT_LABELS = {
    "campaign": N_("Campaign"),
    "campaigns": N_("Campaign"),
    "user": N_("Staff"),
    "users": N_("Staff"),
    "branch": N_("Branch"),
    "branches": N_("Branch"),
    "channel": N_("Channel"),
    "channels": N_("Channel"),
    "coupon_pool": N_("Code pool"),
    "rights": N_("Right"),
    "calendar_entry": N_("Calendar entry"),
    "audience_list": N_("Audience list"),
    "reward": N_("Reward"),
    "points_entry": N_("Points entry"),
    "points_request": N_("Points entry"),
}
# fields of non-content rows (lifecycle, staff, branches, rewards), by label
FIELD_LABELS = {
    "status": N_("Status"),
    "review_status": N_("Review"),
    "level": N_("Approval level"),
    "of": N_("Approval levels"),
    "levels": N_("Approval levels"),
    "level_branch": N_("Decided at"),
    "reason": N_("Reason"),
    "round": N_("Review round"),
    "version": N_("Version"),
    "rollback_of": N_("Rolls back to version"),
    "draft_hash": N_("Draft hash"),
    "content_hash": N_("Content hash"),
    "published_version_id": N_("Live version"),
    "slug": N_("Participant link code"),
    "branch": N_("Branch"),
    "branch_id": N_("Branch"),
    "parent_id": N_("Parent"),
    "username": N_("Username"),
    "display_name": N_("Display name"),
    "role": N_("Role"),
    "active": N_("Active"),
    "locale": N_("Language"),
    "code": N_("Code"),
    "name": N_("Name"),
    "name_en": N_("English name"),
    "city": N_("City"),
    "address": N_("Address"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "approval_levels": N_("Approval levels"),
    "key": N_("Key"),
    "pool": N_("Code pool"),
    "added": N_("Codes added"),
    "duplicates": N_("Duplicates"),
    "errors": N_("Refused lines"),
    "attempts": N_("Attempts"),
    "last_error": N_("Last error"),
    "amount": N_("Amount"),
    "note": N_("Note"),
    "participant_id": N_("Participant"),
    "campaign_id": N_("Campaign"),
    "requested_by_id": N_("Requested by"),
    "decided_by_id": N_("Decided by"),
    "entry_id": N_("Points entry"),
    "balance": N_("Balance"),
    "valid_days": N_("Valid for (days)"),
    "tracking": N_("Tracking number"),
    "carrier": N_("Carrier"),
    "recipient": N_("Recipient"),
    "phone": N_("Phone"),
}
HIDDEN = {"id", "glossary", "created_at", "last_login_at"}
# statuses of rows other than campaigns (rewards, parcels, points requests)
OTHER_STATUSES = {
    "pending": N_("Pending"),
    "issuing": N_("Issuing"),
    "issued": N_("Issued"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
    "posted": N_("Posted"),
    "refused": N_("Refused"),
    "awaiting_address": N_("Waiting for an address"),
    "ready": N_("Ready to ship"),
    "shipped": N_("Shipped"),
    "delivered": N_("Delivered"),
}


def state_label(status: str) -> str:
    """A reward's, parcel's or points request's status in words."""
    return translate(OTHER_STATUSES[status]) if status in OTHER_STATUSES else status


def action_label(action: str) -> str:
    return translate(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def object_type_label(object_type: str) -> str:
    return translate(OBJECT_LABELS[object_type]) if object_type in OBJECT_LABELS else object_type


def action_choices() -> list[tuple[str, str]]:
    """(key, label) of every action, for the audit log's filter."""
    return sorted(((k, action_label(k)) for k in ACTION_LABELS), key=lambda c: c[1])


def object_type_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for key in OBJECT_LABELS:
        seen.setdefault(object_type_label(key), key)
    return sorted(((k, label) for label, k in seen.items()), key=lambda c: c[1])


def _value(key: str, value: Any, context: dict[str, Any]) -> str:
    from core.roles import ROLES

    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate("yes") if value else translate("no")
    if key == "status":
        if str(value) in OTHER_STATUSES and str(value) not in _STATUSES:
            return translate(OTHER_STATUSES[str(value)])
        return status_label(str(value))
    if key == "review_status":
        return review_label(str(value))
    if key == "role" and value in ROLES:
        role = ROLES[value]
        return role.name_zh if context["lang"] == "zh" else role.name_en
    if key in ("branch_id", "parent_id"):
        return context["branch_ids"].get(value, str(value))
    if key == "branch":
        return context["branches"].get(str(value), str(value))
    if key in ("draft_hash", "content_hash") and isinstance(value, str):
        return value[:12]
    if isinstance(value, list):
        return "; ".join(_value(key, v, context) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)} {_value(k, v, context)}" for k, v in value.items())
    return str(value)


_STATUSES = {"draft", "pending_approval", "approved", "live", "paused", "ended"}


def _label(key: str) -> str:
    return translate(FIELD_LABELS[key]) if key in FIELD_LABELS else key.replace("_", " ")


def entry_changes(entry: Any, lang: str, context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(where, before, after) for each field of an audit row. `context` holds the branch names
    by code (`branches`) and by id (`branch_ids`) and the language (`lang`)."""
    from builder.changes import describe_fields

    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows: list[tuple[str, str, str]] = []
    if "fields" in before or "fields" in after:
        for row in describe_fields(
            before.get("fields") or {},
            after.get("fields") or {},
            before.get("glossary") or {},
            after.get("glossary") or {},
            lang,
            context["branches"],
        ):
            rows.append((row.label, row.before, row.after))
    for key in list(before) + [k for k in after if k not in before]:
        if key in HIDDEN or key == "fields":
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new and key not in ("draft_hash",):
            continue
        rows.append(
            (
                _label(key),
                _value(key, old, context) if key in before else "",
                _value(key, new, context) if key in after else "",
            )
        )
    return rows


def audit_context(lang: str) -> dict[str, Any]:
    """Branch names by code and by id, for reading audit rows."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Branch

    rows = db.session.execute(select(Branch.id, Branch.code, Branch.name, Branch.name_en)).all()
    pick = {
        (i, code): (name_en if lang == "en" and name_en else name)
        for i, code, name, name_en in rows
    }
    return {
        "lang": lang,
        "branches": {code: name for (_, code), name in pick.items()},
        "branch_ids": {i: name for (i, _), name in pick.items()},
    }
