"""The audit log, read-only, for auditors and administrators.

Each row belongs to a branch (core.audit.owning_branch): an auditor reads the rows of their
own subtree; head office (the root branch) reads every row, bank-wide and system rows included.
"""

from __future__ import annotations

from flask_login import current_user

from builder.i18n import lazy
from builder.views.base import ReadOnlyModelView
from core.scope import is_head_office


class AuditView(ReadOnlyModelView):
    required_permission = "audit"
    branch_column = "branch_id"
    can_export = True
    export_types = ("csv",)
    column_list = ("at", "actor", "action", "object_type", "object_id", "branch", "request_id")
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
        "branch": lazy("Branch"),
    }

    def scope_clause(self):
        if is_head_office(current_user):
            return None
        return super().scope_clause()
