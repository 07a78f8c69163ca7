"""Signing in and out of the studio as a browser does: read the form's CSRF token first."""

from __future__ import annotations

import re

PASSWORD = "password-123"
# The studio's own forms (builder.csrf.csrf_field, the sign-out button on every page) and
# Flask-Admin's SecureForm render their tokens differently.
STUDIO_TOKEN = re.compile(r'type="hidden" name="csrf_token" value="([^"]+)"')
ADMIN_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(page: str, pattern: re.Pattern = STUDIO_TOKEN) -> str:
    match = pattern.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_token(client, url: str) -> str:
    """The token of the studio's own forms on the page at `url`."""
    return csrf_from(client.get(url).get_data(as_text=True))


def admin_token(client, url: str) -> str:
    """The token of the Flask-Admin (SecureForm) create/edit form at `url`."""
    return csrf_from(client.get(url).get_data(as_text=True), ADMIN_TOKEN)


def sign_in(client, user, password: str = PASSWORD, next_url: str | None = None):
    """POST the sign-in form with the token the login page gave this client (a page without
    one, as before the sign-in form had a token, is posted without)."""
    username = user if isinstance(user, str) else user.username
    url = "/studio/login" + (f"?next={next_url}" if next_url else "")
    form = {"username": username, "password": password}
    match = STUDIO_TOKEN.search(client.get("/studio/login").get_data(as_text=True))
    if match:
        form["csrf_token"] = match.group(1)
    return client.post(url, data=form)


def sign_out(client):
    """Press the sign-out button of a studio page (with the page's token, if it has one)."""
    match = STUDIO_TOKEN.search(client.get("/studio/").get_data(as_text=True))
    return client.post("/studio/logout", data={"csrf_token": match.group(1)} if match else {})
