"""The audit log, read-only, for auditors and administrators."""

from __future__ import annotations

from builder.i18n import lazy
from builder.views.base import ReadOnlyModelView


class AuditView(ReadOnlyModelView):
    required_permission = "audit"
    can_export = True
    export_types = ("csv",)
    column_list = ("at", "actor", "action", "object_type", "object_id", "request_id")
    column_default_sort = ("at", True)
    column_filters = ("actor", "action", "object_type")
    column_searchable_list = ("actor", "action", "object_id")
    column_labels = {
        "at": lazy("When"),
        "actor": lazy("Who"),
        "action": lazy("Action"),
        "object_type": lazy("Object"),
        "before": lazy("Before"),
        "after": lazy("After"),
    }
