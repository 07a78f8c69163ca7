"""Signing in and out of the studio as a browser does: read the form's CSRF token first."""

from __future__ import annotations

import re

PASSWORD = "password-123"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_from(page: str) -> str:
    """The CSRF token of the first form on the page (ours or Flask-Admin's)."""
    match = TOKEN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_token(client, url: str) -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def sign_in(client, user, password: str = PASSWORD, next_url: str | None = None):
    """POST the sign-in form with the token the login page gave this client."""
    username = user if isinstance(user, str) else user.username
    url = "/studio/login" + (f"?next={next_url}" if next_url else "")
    token = page_token(client, "/studio/login")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def sign_out(client):
    return client.post("/studio/logout", data={"csrf_token": page_token(client, "/studio/")})
