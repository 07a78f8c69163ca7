"""The studio: Flask-Admin views for marketers, approvers, auditors and administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask import redirect

    from builder.admin import init_admin

    init_admin(app)
    app.add_url_rule("/", "index", lambda: redirect("/studio/"))
