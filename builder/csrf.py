"""A per-session CSRF token for the studio's own forms (Flask-Admin's forms use SecureForm)."""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session
from markupsafe import Markup

SESSION_KEY = "studio_csrf"


def csrf_token() -> str:
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{0}">').format(csrf_token())


def csrf_valid() -> bool:
    """True when the form (or the X-CSRFToken header of a page script) carries this session's
    token: a cross-site form cannot read it."""
    sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRFToken", "")
    expected = session.get(SESSION_KEY, "")
    return bool(expected) and hmac.compare_digest(sent, expected)


def check_csrf() -> None:
    if not csrf_valid():
        abort(400, "The form expired; reload the page and try again.")
