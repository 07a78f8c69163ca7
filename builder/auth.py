"""Studio sign-in, roles and branch scoping. Every studio page requires a signed-in, active user
with the view's permission; data is limited to the user's branch and the branches below it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for
from flask_babel import refresh as refresh_locale
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import select
from wtforms import Form, PasswordField, StringField, validators

from builder.i18n import LANGUAGES, N_, translate
from core import audit
from core.extensions import db, limiter
from core.models import Branch, User
from core.roles import has_permission
from core.security import verify_password

logger = logging.getLogger(__name__)

login_manager = LoginManager()
bp = Blueprint("studio_auth", __name__, url_prefix="/studio", template_folder="templates")
bp.before_request(limiter.check)  # the limiter is not checked app-wide (core.extensions)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


class LoginForm(Form):
    username = StringField("Username", [validators.InputRequired(), validators.Length(max=64)])
    password = PasswordField("Password", [validators.InputRequired(), validators.Length(max=256)])


def safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the login page cannot be used as an open redirect."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("admin.index")


def authenticate(username: str, password: str) -> tuple[User | None, str | None]:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not verify_password(user.password_hash, password):
        return None, N_("Wrong username or password.")
    if not user.active:
        return None, N_("Your account is disabled; ask an administrator.")
    return user, None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm(request.form)
    error = None
    if request.method == "POST" and form.validate():
        user, error = authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            user.last_login_at = datetime.now(UTC)
            audit.record("user.login", "user", user.id, actor=user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        logger.info("failed studio login for %r", form.username.data)
    elif request.method == "POST":
        error = N_("Wrong username or password.")
    status = 401 if error else 200
    return render_template("studio/login.html", form=form, error=error and translate(error)), status


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("studio_auth.login"))


@bp.get("/language/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["locale"] = code
        refresh_locale()  # the locale chosen earlier in this context is stale now
    return redirect(safe_next(request.args.get("next")))


def branch_scope(user: User) -> set[int]:
    """Ids of the user's branch and every branch below it."""
    rows = db.session.execute(select(Branch.id, Branch.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for branch_id, parent_id in rows:
        children.setdefault(parent_id, []).append(branch_id)
    scope, stack = set(), [user.branch_id]
    while stack:
        current = stack.pop()
        if current not in scope:
            scope.add(current)
            stack.extend(children.get(current, []))
    return scope


def require_permission(permission: str) -> None:
    if not current_user.is_authenticated:
        abort(401)
    if not has_permission(current_user.role, permission):
        abort(403)


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "studio_auth.login"
    login_manager.login_message = None
    app.register_blueprint(bp)
    from builder.csrf import csrf_field
    from builder.i18n import local_time, review_label, status_label

    app.jinja_env.globals.update(
        _t=translate,
        csrf_field=csrf_field,
        status_label=status_label,
        review_label=review_label,
        local_time=local_time,
    )
