"""The studio's error pages (400, 403, 404, 405, 500...) in its own layout and language, never
Werkzeug's or a traceback: core.errors asks for them through `app.extensions`."""

from __future__ import annotations

from flask import Flask, request
from flask_admin import Admin

from builder.i18n import N_, translate

STUDIO_PREFIX = "/studio"
TITLES = {
    400: N_("The request could not be handled"),
    403: N_("You may not open this page"),
    404: N_("Page not found"),
    405: N_("The request could not be handled"),
    500: N_("Something went wrong"),
}
# descriptions raised with abort() that the page may show (they are in the catalogue)
DETAILS = {N_("The form expired; reload the page and try again.")}
EXPLANATIONS = {
    400: N_("Reload the page and try again."),
    403: N_("Your role does not give access to this page. Ask an administrator if you need it."),
    404: N_("The page does not exist, or it belongs to a branch outside yours."),
    405: N_("Reload the page and try again."),
    500: N_("The error was recorded. Try again in a moment; if it happens again, tell support."),
}


def init_error_pages(app: Flask, admin: Admin) -> None:
    def render(status: int, description: str | None = None):
        if not request.path.startswith(STUDIO_PREFIX):
            return None
        from core.extensions import db

        db.session.rollback()  # a failed transaction must not break the page's own queries
        known = status if status in TITLES else (500 if status >= 500 else 400)
        body = admin.index_view.render(
            "studio/error.html",
            status=status,
            title=translate(TITLES[known]),
            explanation=translate(EXPLANATIONS[known]),
            detail=translate(description) if description in DETAILS else "",
        )
        return body, status

    app.extensions["html_error_page"] = render
