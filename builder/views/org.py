"""Branches, staff and channels."""

from __future__ import annotations

from flask import g
from flask_login import current_user, login_user
from sqlalchemy import select
from wtforms import PasswordField, validators

from builder.access import AccessError, check_branch_change, check_staff_change
from builder.auth import branch_scope
from builder.i18n import lazy, translate
from builder.views.base import AuditedModelView, ReadOnlyModelView
from core.extensions import db
from core.models import Branch
from core.roles import ROLES, grantable_roles
from core.security import hash_password

LABELS = {
    "code": lazy("Code"),
    "name": lazy("Name"),
    "name_en": lazy("English name"),
    "address": lazy("Address"),
    "level": lazy("Level"),
    "city": lazy("City"),
    "latitude": lazy("Latitude"),
    "longitude": lazy("Longitude"),
    "approval_levels": lazy("Approval levels"),
    "parent": lazy("Parent"),
    "username": lazy("Username"),
    "display_name": lazy("Display name"),
    "role": lazy("Role"),
    "branch": lazy("Branch"),
    "active": lazy("Active"),
    "key": lazy("Key"),
    "created_at": lazy("Created"),
}


def branches_in_scope():
    """The branch choices a form offers: the editor's branch and the branches below it."""
    return db.session.scalars(
        select(Branch).where(Branch.id.in_(branch_scope(current_user))).order_by(Branch.code)
    ).all()


def refuse(exc: AccessError) -> validators.ValidationError:
    """An AccessError as the message Flask-Admin shows above the form."""
    return validators.ValidationError(f"{translate(exc.message)} ({exc.field})")


LEVEL_LABELS = {
    "hq": lazy("Head office"),
    "branch": lazy("Branch"),
    "sub_branch": lazy("Sub-branch"),
}


def level_label(key: str) -> str:
    return str(LEVEL_LABELS.get(key, key))


def role_label(key: str) -> str:
    role = ROLES[key]
    return f"{role.name_zh} {role.name_en}"


class BranchView(AuditedModelView):
    edit_permission = "manage_staff"
    branch_column = "id"
    column_list = ("code", "name", "level", "parent", "city", "approval_levels")
    column_searchable_list = ("code", "name", "city")
    column_filters = ("level", "city")
    form_columns = (
        "code",
        "name",
        "name_en",
        "level",
        "parent",
        "city",
        "address",
        "latitude",
        "longitude",
        "approval_levels",
    )
    form_choices = {
        "level": [("hq", "总行 HQ"), ("branch", "分行 Branch"), ("sub_branch", "支行 Sub-branch")]
    }
    form_args = {"parent": {"query_factory": branches_in_scope}}
    column_labels = LABELS
    column_formatters = {"level": lambda v, c, m, n: level_label(m.level)}

    def check_change(self, before, after, model) -> None:
        try:
            check_branch_change(current_user._get_current_object(), before, after)
        except AccessError as exc:
            raise refuse(exc) from None


class StaffView(AuditedModelView):
    required_permission = "manage_staff"
    edit_permission = "manage_staff"
    branch_column = "branch_id"
    column_list = ("username", "display_name", "role", "branch", "active", "last_login_at")
    column_searchable_list = ("username", "display_name")
    column_filters = ("role", "active")
    form_columns = (
        "username",
        "display_name",
        "role",
        "branch",
        "active",
        "locale",
        "new_password",
    )
    form_extra_fields = {
        "new_password": PasswordField(
            "New password / 新密码", [validators.Optional(), validators.Length(min=8)]
        )
    }
    form_choices = {
        "role": [(key, role_label(key)) for key in ROLES],
        "locale": [("zh", "中文"), ("en", "English")],
    }
    form_args = {"branch": {"query_factory": branches_in_scope}}
    column_labels = LABELS
    audit_always = ("role", "branch_id")
    # A change to any of these, or a new password, ends the user's sessions: they sign in
    # again with their new rights.
    session_columns = ("role", "branch_id", "active")

    def grantable_choices(self, form):
        """The role select offers only the roles the editor may grant."""
        form.role.choices = [(key, role_label(key)) for key in grantable_roles(current_user.role)]
        return form

    def create_form(self, obj=None):
        return self.grantable_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self.grantable_choices(super().edit_form(obj))

    def check_change(self, before, after, model) -> None:
        try:
            check_staff_change(current_user._get_current_object(), before, after)
        except AccessError as exc:
            raise refuse(exc) from None

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.password_hash = hash_password(form.new_password.data)
        elif is_created:
            raise validators.ValidationError("A new user needs a password / 新用户需要设置密码")
        if model.id == current_user.id and not model.active:
            raise validators.ValidationError(
                "You cannot disable your own account / 不能停用自己的账号"
            )
        before = g.get("audit_before")
        super().on_model_change(form, model, is_created)
        if before is not None and (
            form.new_password.data
            or any(before.get(key) != getattr(model, key) for key in self.session_columns)
        ):
            model.end_sessions()

    def after_model_change(self, form, model, is_created):
        if model.id == current_user.id:
            login_user(model)  # the editor's own session follows their new session nonce


class ChannelView(ReadOnlyModelView):
    required_permission = "manage_channels"
    column_list = ("name", "key", "active", "created_at")
    column_labels = LABELS
