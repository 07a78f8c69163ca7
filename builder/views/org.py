"""Branches, staff and channels."""

from __future__ import annotations

from flask import abort, g, make_response, request, url_for
from flask_admin import expose
from flask_login import current_user, login_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import FloatField, PasswordField, validators

from builder.access import AccessError, check_branch_change, check_staff_change
from builder.auth import branch_scope
from builder.csrf import check_csrf, csrf_field
from builder.i18n import N_, lazy, pick, translate
from builder.views.base import AuditedModelView, ReadOnlyModelView
from core.accounts import AccountError, create_channel, rotate_channel_secret
from core.extensions import db
from core.models import Branch, Channel
from core.roles import ROLES, grantable_roles, least_privileged
from core.scope import is_head_office
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


def branch_label(branch: Branch) -> str:
    """A branch as selects show it: its name in the user's language, then its code."""
    return f"{pick(branch.name, branch.name_en)} ({branch.code})"


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
    form_overrides = {"latitude": FloatField, "longitude": FloatField}  # no Float converter
    form_args = {
        "parent": {
            "query_factory": branches_in_scope,
            "get_label": branch_label,
            "blank_text": lazy("No parent (head office only)"),
        },
        "latitude": {
            "validators": [
                validators.Optional(),
                validators.NumberRange(-90, 90, message=lazy("A latitude is between -90 and 90.")),
            ],
            "description": lazy(
                "Decimal degrees, e.g. 31.2304. With the longitude, customers find the branch "
                "among the nearby branches."
            ),
        },
        "longitude": {
            "validators": [
                validators.Optional(),
                validators.NumberRange(
                    -180, 180, message=lazy("A longitude is between -180 and 180.")
                ),
            ],
            "description": lazy("Decimal degrees, e.g. 121.4737."),
        },
    }
    column_labels = LABELS
    column_formatters = {"level": lambda v, c, m, n: level_label(m.level)}

    def validate_form(self, form) -> bool:
        """Coordinates come in pairs: a branch with one is found by no one."""
        valid = super().validate_form(form)
        lat, lon = getattr(form, "latitude", None), getattr(form, "longitude", None)
        if lat is None or lon is None or lat.errors or lon.errors:
            return valid
        if (lat.data is None) != (lon.data is None):
            missing = lon if lon.data is None else lat
            missing.errors = [*missing.errors, translate("Give both latitude and longitude.")]
            return False
        return valid

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
    form_args = {"branch": {"query_factory": branches_in_scope, "get_label": branch_label}}
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
        form = self.grantable_choices(super().create_form(obj))
        grantable = grantable_roles(current_user.role)
        if not form.role.data and grantable:  # a new account starts with the least power
            form.role.data = least_privileged(grantable)
        return form

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


CHANNEL_ERRORS = {
    "name_length": N_("A channel name has 2 to 64 characters."),
    "name_taken": N_("A channel with this name exists already."),
}


def rotate_button(view, context, model, name):
    """A POST button per channel (CSRF-protected; no inline script)."""
    if not view.can_manage():
        return ""
    return Markup(
        '<form method="post" action="{0}" class="d-inline" data-rotate="{1}">{2}'
        '<button class="btn btn-sm btn-outline-danger">{3}</button></form>'
    ).format(
        url_for(".rotate", channel_id=model.id),
        model.name,
        csrf_field(),
        translate("Rotate secret"),
    )


class ChannelView(ReadOnlyModelView):
    """Channels and their secrets: created and rotated here, each secret shown once (it is
    derived, never stored: core.security.channel_secret)."""

    required_permission = "manage_channels"
    column_list = ("name", "key", "active", "created_at", "rotate")
    column_labels = {**LABELS, "rotate": lazy("Secret")}
    column_formatters = {"rotate": rotate_button}
    list_template = "admin/channel_list.html"

    def can_manage(self) -> bool:
        """Channels serve the whole bank: only head office creates them and rotates secrets."""
        return is_head_office(current_user)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if not self.can_manage():
            abort(403)
        error = None
        if request.method == "POST":
            check_csrf()
            try:
                credentials = create_channel(
                    request.form.get("name", ""), actor=current_user._get_current_object()
                )
                db.session.commit()
                return self.show_secret(credentials, created=True)
            except AccountError as exc:
                db.session.rollback()
                error = translate(CHANNEL_ERRORS.get(exc.code, N_("This value is not valid here.")))
        return self.render("admin/channel_new.html", error=error, name=request.form.get("name"))

    @expose("/rotate/<int:channel_id>", methods=("POST",))
    def rotate(self, channel_id: int):
        from runtime.auth import forget_channel

        check_csrf()
        if not self.can_manage():
            abort(403)
        found = db.session.get(Channel, channel_id) or abort(404)
        credentials = rotate_channel_secret(found, actor=current_user._get_current_object())
        db.session.commit()
        forget_channel(found.key)
        return self.show_secret(credentials, created=False)

    def show_secret(self, credentials, created: bool):
        """The one page that ever shows the secret; never cached, never stored."""
        from runtime.auth import CHANNEL_CACHE_SECONDS

        response = make_response(
            self.render(
                "admin/channel_secret.html",
                channel=credentials.channel,
                secret=credentials.secret,
                created=created,
                cache_seconds=CHANNEL_CACHE_SECONDS,
            )
        )
        response.headers["Cache-Control"] = "no-store"
        return response
