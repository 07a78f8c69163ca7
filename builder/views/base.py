"""The base of every studio view: sign-in required, a permission per view, branch scoping, and
database refusals shown as messages next to the field (never the SQL)."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from flask import abort, flash, g, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from flask_admin.model import typefmt
from flask_login import current_user
from sqlalchemy import CheckConstraint, select
from sqlalchemy.exc import IntegrityError
from wtforms.validators import NumberRange

from builder.auth import branch_scope
from builder.i18n import N_, local_time, translate
from core.extensions import db
from core.roles import has_permission

logger = logging.getLogger(__name__)

# "x BETWEEN a AND b" and "x IS NULL OR (x BETWEEN a AND b)": a range the form checks too
_BETWEEN = re.compile(r"(\w+) BETWEEN (-?[\d.]+) AND (-?[\d.]+)")
_CONSTRAINT = re.compile(r"\b(?:ck|uq)_\w+|\b\w+\.\w+\b")
REFUSALS = {
    "check": N_("This value is not allowed here."),
    "unique": N_("This value is already used by another record."),
    "foreign": N_("This refers to something that does not exist or is still in use."),
}


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


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def check_ranges(model) -> dict[str, NumberRange]:
    """A form validator for each column a CHECK constraint keeps in a range, so the form says
    what the database would refuse (one fact: the constraint)."""
    ranges = {}
    for constraint in model.__table__.constraints:
        if isinstance(constraint, CheckConstraint):
            match = _BETWEEN.search(str(constraint.sqltext))
            if match:
                column, low, high = match.group(1), _number(match.group(2)), _number(match.group(3))
                ranges[column] = NumberRange(min=low, max=high)
    return ranges


def refused_column(exc: IntegrityError, model) -> tuple[str, str | None]:
    """(kind, column) of the constraint the database refused: kind is check, unique or foreign;
    column is None when it cannot be told (a foreign key, a constraint over several columns)."""
    text = str(exc.orig)
    lowered = text.lower()
    kind = "check" if "check" in lowered else "unique" if "unique" in lowered else "foreign"
    if kind == "foreign":
        return kind, None
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if not name:
        match = _CONSTRAINT.search(text)
        name = match.group(0) if match else ""
    table = model.__tablename__
    for prefix in (f"ck_{table}_", f"uq_{table}_", f"{table}."):
        if name.startswith(prefix):
            column = name[len(prefix) :]
            return kind, column if column in model.__table__.columns else None
    return kind, None


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

    def scaffold_form(self):
        extra = check_ranges(self.model)
        if extra:
            args = {key: dict(value) for key, value in (self.form_args or {}).items()}
            for column, validator in extra.items():
                entry = args.setdefault(column, {})
                entry["validators"] = [*entry.get("validators", []), validator]
            self.form_args = args
        return super().scaffold_form()

    def create_model(self, form):
        g.studio_form = form
        return super().create_model(form)

    def update_model(self, form, model):
        g.studio_form = form
        return super().update_model(form, model)

    def handle_view_exception(self, exc: Exception) -> bool:
        """A database refusal becomes a message next to the field it is about (or above the
        form), in the studio's language; the SQL goes to the log only."""
        if not isinstance(exc, IntegrityError):
            return super().handle_view_exception(exc)
        logger.info("%s refused by the database: %s", self.model.__tablename__, exc.orig)
        kind, column = refused_column(exc, self.model)
        message = translate(REFUSALS[kind])
        form = g.get("studio_form")
        field = None
        if form is not None and column:
            field = form._fields.get(column) or form._fields.get(column.removesuffix("_id"))
        if field is not None:
            field.errors = [*field.errors, message]
            flash(
                translate("Not saved") + ": " + translate("fix the fields marked in red."), "error"
            )
        else:
            flash(translate("Not saved") + ": " + message, "error")
        return True

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._can(self.edit_permission)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._can(self.edit_permission)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def scope_clause(self):
        """A SQL condition limiting rows to the user's branch subtree, or None (unscoped)."""
        if self.branch_column is None:
            return None
        return getattr(self.model, self.branch_column).in_(branch_scope(current_user))

    def scoped(self, query):
        clause = self.scope_clause()
        return query if clause is None else query.filter(clause)

    def get_query(self):
        return self.scoped(super().get_query())

    def get_count_query(self):
        return self.scoped(super().get_count_query())

    def get_one(self, id):
        """One row, or 404 when it lies outside the user's subtree (details, edit, export)."""
        record = super().get_one(id)
        clause = self.scope_clause()
        if record is not None and clause is not None:
            found = db.session.scalar(
                select(self.model.id).where(self.model.id == record.id, clause)
            )
            if found is None:
                abort(404)
        return record


class ReadOnlyModelView(StudioModelView):
    can_create = False
    can_edit = False
    can_delete = False


def column_values(model) -> dict:
    """The model's column values, secrets left out (password hash, session nonce)."""
    from sqlalchemy import inspect

    return {
        attr.key: getattr(model, attr.key)
        for attr in inspect(model).mapper.column_attrs
        if attr.key not in SECRET_COLUMNS
    }


def proposed_values(model) -> dict:
    """Column values as they will be after the flush: a many-to-one set through its
    relationship (a form's select of a branch) shows as the foreign key it will write."""
    from sqlalchemy import inspect
    from sqlalchemy.orm import MANYTOONE

    values = column_values(model)
    for relation in inspect(model).mapper.relationships:
        if relation.direction is not MANYTOONE or relation.key not in model.__dict__:
            continue
        target = model.__dict__[relation.key]
        for local, remote in relation.local_remote_pairs:
            values[local.key] = None if target is None else getattr(target, remote.key)
    return values


def jsonable(values: dict) -> dict:
    return {
        k: v if isinstance(v, (str, int, float, bool, type(None), dict, list)) else str(v)
        for k, v in values.items()
    }


SECRET_COLUMNS = frozenset({"password_hash", "session_nonce"})


class AuditedModelView(StudioModelView):
    """Checks every create and edit against the editor's rights (`check_change`) and writes an
    audit row (who, what, before/after, owning branch) in the same transaction as the change.

    The before values are read before the form fills the model. The check sees the proposed
    values with the database still as it was (no autoflush), so scopes and the branch tree
    are the ones the editor had; the audit's after values are read after a flush, so
    relationship fields (a user's branch, a branch's parent) show as their ids."""

    audit_always: tuple[str, ...] = ()  # columns recorded before and after even when unchanged

    def update_model(self, form, model):
        g.audit_before = column_values(model)
        return super().update_model(form, model)

    def check_change(self, before: dict | None, after: dict, model) -> None:
        """Raise wtforms.ValidationError to refuse the change (shown next to the form)."""

    def on_model_change(self, form, model, is_created):
        from core import audit

        before = None if is_created else g.pop("audit_before", None)
        if before is None and not is_created:  # an edit path that bypassed update_model
            from wtforms.validators import ValidationError

            raise ValidationError("This change cannot be checked; edit the record in its form.")
        with db.session.no_autoflush:
            self.check_change(before, proposed_values(model), model)
        db.session.flush()
        after = column_values(model)
        changed = {k for k, v in after.items() if before is None or before.get(k) != v}
        keys = changed | set(self.audit_always)
        audit.record(
            f"{self.model.__tablename__}.{'create' if is_created else 'update'}",
            self.model.__tablename__,
            model.id,
            actor=current_user._get_current_object(),
            before=None if before is None else jsonable({k: before.get(k) for k in keys}),
            after=jsonable({k: after[k] for k in keys if k in after}),
            branch_id=self.audit_branch(after),
        )

    def audit_branch(self, after: dict) -> int | None:
        return after.get(self.branch_column) if self.branch_column else None
