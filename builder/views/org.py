"""Branches, staff and channels."""

from __future__ import annotations

from flask_login import current_user
from wtforms import PasswordField, validators

from builder.i18n import lazy
from builder.views.base import AuditedModelView, ReadOnlyModelView
from core.roles import ROLES
from core.security import hash_password

LABELS = {
    "code": lazy("Code"),
    "name": lazy("Name"),
    "name_en": "English name",
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
    column_labels = LABELS


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
        "role": [(r.key, f"{r.name_zh} {r.name_en}") for r in ROLES.values()],
        "locale": [("zh", "中文"), ("en", "English")],
    }
    column_labels = LABELS

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.password_hash = hash_password(form.new_password.data)
        elif is_created:
            raise validators.ValidationError("A new user needs a password / 新用户需要设置密码")
        if model.id == current_user.id and not model.active:
            raise validators.ValidationError(
                "You cannot disable your own account / 不能停用自己的账号"
            )
        super().on_model_change(form, model, is_created)


class ChannelView(ReadOnlyModelView):
    required_permission = "manage_channels"
    column_list = ("name", "key", "active", "created_at")
    column_labels = LABELS
