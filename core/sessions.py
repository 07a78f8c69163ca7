"""The studio's signed-cookie sessions, without their cost on requests that carry no cookie."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class StudioSessionInterface(SecureCookieSessionInterface):
    """Flask's own cookie sessions. A request without the session cookie (every participant
    API call) gets a new empty session directly: Flask builds the signing serializer first,
    on every request, which cost ~3% of a draw's CPU (docs/benchmarks.md)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookies = request.environ.get("HTTP_COOKIE")
        if app.secret_key and (not cookies or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # what Flask would do for it (nothing), without building the cookie's options
        super().save_session(app, session, response)
