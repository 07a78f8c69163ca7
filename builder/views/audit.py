"""The audit log, read-only, for auditors and administrators.

Each row belongs to a branch (core.audit.owning_branch): an auditor reads the rows of their
own subtree; head office (the root branch) reads every row, bank-wide and system rows included.
Rows show actions by label, objects by kind and name, and each changed field with its value
before and after (builder.audit_words); the CSV export carries the same words and the same
local times as the screen, for the same rows (filters and scope included).
"""

from __future__ import annotations

from flask import g
from flask_admin.contrib.sqla import filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from builder.audit_words import (
    action_choices,
    action_label,
    audit_context,
    entry_changes,
    object_type_choices,
    object_type_label,
)
from builder.i18n import current_language, lazy, local_time
from builder.views.base import ReadOnlyModelView
from core.audit import object_label
from core.models import AuditEntry
from core.scope import is_head_office


def _context() -> dict:
    if "audit_context" not in g:
        g.audit_context = audit_context(current_language())
    return g.audit_context


def _changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    return entry_changes(entry, current_language(), _context())


def object_text(entry: AuditEntry) -> str:
    """The object's kind and name: "Campaign 人脉挖宝"."""
    name = entry.object_label or object_label(entry.object_type, entry.object_id)
    kind = object_type_label(entry.object_type)
    return f"{kind} {name}" if name else f"{kind} #{entry.object_id or ''}".rstrip(" #")


def actor_text(entry: AuditEntry) -> str:
    user = entry.actor_user
    if user is not None and user.display_name and user.display_name != user.username:
        return f"{user.display_name} ({user.username})"
    return entry.actor


def changes_html(view, context, model, name) -> Markup:
    rows = _changes(model)
    if not rows:
        return Markup("")
    items = Markup("").join(
        Markup('<li data-audit-field><span class="text-muted">{0}</span>: {1} → {2}</li>').format(
            label, before or "—", after or "—"
        )
        for label, before, after in rows
    )
    return Markup('<ul class="list-unstyled small mb-0">{0}</ul>').format(items)


def side_text(side: int):
    """A formatter for the CSV: one line per field, "where: value" (0 = before, 1 = after)."""

    def format_side(view, context, model, name) -> str:
        return "\n".join(f"{row[0]}: {row[1 + side]}" for row in _changes(model) if row[1 + side])

    return format_side


def branch_text(view, context, model, name) -> str:
    if model.branch_id is None:
        return ""
    return _context()["branch_ids"].get(model.branch_id, "")


class ActionFilter(filters.FilterEqual):
    def get_options(self, view):
        return action_choices()


class ObjectTypeFilter(filters.FilterEqual):
    def get_options(self, view):
        return object_type_choices()


class AuditView(ReadOnlyModelView):
    required_permission = "audit"
    branch_column = "branch_id"
    can_export = True
    export_types = ("csv",)
    column_list = ("at", "actor", "action", "object", "changes", "branch", "request_id")
    column_details_list = (
        "at",
        "actor",
        "action",
        "object",
        "changes",
        "branch",
        "request_id",
        "ip",
    )
    column_export_list = ("at", "actor", "action", "object", "branch", "before", "after", "ip")
    column_default_sort = ("at", True)
    column_filters = (
        ActionFilter(AuditEntry.action, lazy("Action")),
        ObjectTypeFilter(AuditEntry.object_type, lazy("Object")),
        filters.FilterLike(AuditEntry.actor, lazy("Who")),
        filters.DateTimeBetweenFilter(AuditEntry.at, lazy("When")),
    )
    column_searchable_list = ("actor", "object_label", "object_id")
    column_labels = {
        "at": lazy("When"),
        "actor": lazy("Who"),
        "action": lazy("Action"),
        "object": lazy("Object"),
        "changes": lazy("Before → after"),
        "before": lazy("Before"),
        "after": lazy("After"),
        "branch": lazy("Branch"),
        "request_id": lazy("Request"),
        "ip": lazy("Address"),
        "object_label": lazy("Object"),
        "object_id": lazy("Object number"),
    }
    column_formatters = {
        "at": lambda v, c, m, n: local_time(m.at),
        "actor": lambda v, c, m, n: actor_text(m),
        "action": lambda v, c, m, n: Markup('<span data-action="{0}">{1}</span>').format(
            m.action, action_label(m.action)
        ),
        "object": lambda v, c, m, n: object_text(m),
        "changes": changes_html,
        "branch": branch_text,
        "ip": lambda v, c, m, n: m.ip or "",
    }
    column_formatters_export = {
        "at": lambda v, c, m, n: local_time(m.at),
        "actor": lambda v, c, m, n: actor_text(m),
        "action": lambda v, c, m, n: action_label(m.action),
        "object": lambda v, c, m, n: object_text(m),
        "branch": branch_text,
        "before": side_text(0),
        "after": side_text(1),
        "ip": lambda v, c, m, n: m.ip or "",
    }

    def get_query(self):
        # the CSV is streamed after the request's session closed: load the actor up front
        return super().get_query().options(selectinload(AuditEntry.actor_user))

    def get_export_name(self, export_type: str = "csv") -> str:
        return f"audit-log.{export_type}"

    def scope_clause(self):
        if is_head_office(current_user):
            return None
        return super().scope_clause()
