"""The base of every studio view: sign-in required, a permission per view, branch scoping."""

from __future__ import annotations

from datetime import datetime

from flask import abort, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from flask_admin.model import typefmt
from flask_login import current_user

from builder.auth import branch_scope
from builder.i18n import local_time
from core.roles import has_permission


class SecureViewMixin:
    """Refuse unless signed in with `required_permission`; anonymous users go to the login page."""

    required_permission = "view"

    def is_accessible(self) -> bool:
        return bool(
            current_user.is_authenticated
            and current_user.is_active
            and has_permission(current_user.role, self.required_permission)
        )

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("studio_auth.login", next=request.full_path.rstrip("?")))
        abort(403)


LOCAL_TIME_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    datetime: lambda view, value, name: local_time(value),
}


class StudioModelView(SecureViewMixin, ModelView):
    form_base_class = SecureForm
    column_type_formatters = LOCAL_TIME_FORMATTERS
    column_type_formatters_detail = LOCAL_TIME_FORMATTERS
    page_size = 25
    can_view_details = True
    can_export = False
    edit_permission: str | None = None
    branch_column: str | None = None  # a model attribute holding a branch id, for scoping

    def _can(self, permission: str | None) -> bool:
        return permission is not None and has_permission(current_user.role, permission)

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._can(self.edit_permission)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._can(self.edit_permission)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def scoped(self, query):
        if self.branch_column is None:
            return query
        column = getattr(self.model, self.branch_column)
        return query.filter(column.in_(branch_scope(current_user)))

    def get_query(self):
        return self.scoped(super().get_query())

    def get_count_query(self):
        return self.scoped(super().get_count_query())

    def get_one(self, id):
        record = super().get_one(id)
        if record is not None and self.branch_column is not None:
            if getattr(record, self.branch_column) not in branch_scope(current_user):
                abort(404)
        return record


class ReadOnlyModelView(StudioModelView):
    can_create = False
    can_edit = False
    can_delete = False


def column_changes(model) -> tuple[dict, dict]:
    """Before/after values of the columns changed on `model` in this unit of work."""
    from sqlalchemy import inspect

    state = inspect(model)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key.endswith("password_hash"):
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before[attr.key] = history.deleted[0] if history.deleted else None
            after[attr.key] = history.added[0] if history.added else None
    return jsonable(before), jsonable(after)


def jsonable(values: dict) -> dict:
    return {
        k: v if isinstance(v, (str, int, float, bool, type(None), dict, list)) else str(v)
        for k, v in values.items()
    }


class AuditedModelView(StudioModelView):
    """Writes an audit row (who, what, before/after) in the same transaction as the change."""

    def on_model_change(self, form, model, is_created):
        from core import audit

        before, after = column_changes(model)
        action = f"{self.model.__tablename__}.{'create' if is_created else 'update'}"
        object_id = None if is_created else getattr(model, "id", None)
        audit.record(
            action,
            self.model.__tablename__,
            object_id,
            actor=current_user._get_current_object(),
            before=None if is_created else before,
            after=after,
        )
