"""Studio sign-in, roles and branch scoping. Every studio page requires a signed-in, active user
with the view's permission; data is limited to the user's branch and the branches below it."""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import refresh as refresh_locale
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import select
from wtforms import PasswordField, StringField, validators

from builder.csrf import check_csrf, csrf_valid
from builder.i18n import LANGUAGES, N_, TranslatedForm, translate
from builder.signin_limits import SignInBudget, remember_device
from core import audit
from core.extensions import db, limiter
from core.models import User
from core.roles import has_permission
from core.scope import user_scope
from core.security import hash_password, verify_password

logger = logging.getLogger(__name__)

login_manager = LoginManager()
bp = Blueprint("studio_auth", __name__, url_prefix="/studio", template_folder="templates")
bp.before_request(limiter.check)  # the limiter is not checked app-wide (core.extensions)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id `<id>:<nonce>`, if the nonce is still the user's: signing out,
    or a password, role, branch or active change, gives the user a new nonce and so ends every
    session saved before it (a copied cookie included)."""
    user_id, separator, nonce = session_id.partition(":")
    if not separator or not nonce or not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.session_nonce:
        return None
    return user if hmac.compare_digest(user.session_nonce, nonce) else None


class LoginForm(TranslatedForm):
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


@cache
def dummy_password_hash() -> str:
    """A hash with the same cost as real ones, checked when the username is unknown, so the
    answer takes as long as for a real user and timing does not reveal who has an account."""
    return hash_password(secrets.token_urlsafe(24))


def authenticate(username: str, password: str) -> tuple[User | None, str | None]:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(dummy_password_hash(), password)
        return None, N_("Wrong username or password.")
    if not verify_password(user.password_hash, password):
        return None, N_("Wrong username or password.")
    if not user.active:
        return None, N_("Your account is disabled; ask an administrator.")
    return user, None


def login_page(form: LoginForm, error: str | None = None, status: int = 200) -> Response:
    body = render_template("studio/login.html", form=form, error=error and translate(error))
    return make_response(body, status)


def start_session(user: User) -> None:
    session.clear()
    if not user.session_nonce:
        user.end_sessions()  # a row created before session nonces existed
    login_user(user)
    user.last_login_at = datetime.now(UTC)
    audit.record("user.login", "user", user.id, actor=user)
    db.session.commit()


def record_failed_sign_in(username: str) -> None:
    """A refused sign-in is an audit row of its own (the account's, when the name is one)."""
    known = db.session.scalar(select(User.id).where(User.username == username))
    audit.record(
        "user.login_failed",
        "user",
        known,
        actor_label=username[:120],
        after={"username": username[:120]},
    )
    db.session.commit()


def address_limit() -> str:
    return current_app.config.get("STUDIO_LOGIN_LIMIT_ADDRESS", "10/minute")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
def login():
    form = LoginForm(request.form)
    if request.method == "GET":
        return login_page(form)
    if not csrf_valid():
        return login_page(form, N_("The form expired; reload the page and try again."), 400)
    if not form.validate():
        return login_page(form, N_("Wrong username or password."), 401)
    username = form.username.data.strip()
    wait = SignInBudget.for_username(username).spend()
    if wait is not None:
        response = login_page(form, N_("Too many sign-in attempts; try again later."), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user, error = authenticate(username, form.password.data)
    if user is None:
        logger.info("failed studio login for %r", username)
        record_failed_sign_in(username)
        return login_page(form, error, 401)
    start_session(user)
    response = redirect(safe_next(request.args.get("next")))
    remember_device(response, username)
    return response


@bp.post("/logout")
def logout():
    """Sign out: refused without the page's CSRF token (a cross-site form cannot sign anyone
    out); ends every session of the user server-side, cookies copied earlier included."""
    check_csrf()
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        user.end_sessions()
        audit.record("user.logout", "user", user.id, actor=user)
        db.session.commit()
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
    return user_scope(user)


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
    from builder.audit_words import state_label
    from builder.csrf import csrf_field
    from builder.i18n import local_time, local_time_iso, review_label, status_label

    app.jinja_env.globals.update(
        _t=translate,
        csrf_field=csrf_field,
        status_label=status_label,
        review_label=review_label,
        local_time=local_time,
        local_time_iso=local_time_iso,
        state_label=state_label,
    )

    @app.context_processor
    def studio_notices():
        """The navbar's count of unread notices (studio pages of a signed-in user only)."""
        if not request.path.startswith("/studio") or not current_user.is_authenticated:
            return {}
        from builder.notices import unread_count

        return {"unread_notices": unread_count(current_user)}
