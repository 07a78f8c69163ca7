"""Studio sessions and pages, attacked as an intruder would: cookie flags in production,
replayed cookies after sign-out or a password change, framing, script injection policy,
cross-site sign-in and sign-out, and username probing by timing."""

from __future__ import annotations

import re

import argon2
import pytest
from sqlalchemy import select

from core import create_app
from core.models import AuditEntry
from tests.builder.studio import (
    PASSWORD,
    STUDIO_TOKEN,
    admin_token,
    page_token,
    sign_in,
    sign_out,
)
from tests.factories import make_hq, make_user

SESSION_COOKIE = "session"


def session_cookie(client) -> str:
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(app, cookie_value: str):
    """A fresh browser holding a copy of a saved session cookie."""
    thief = app.test_client()
    thief.set_cookie(SESSION_COOKIE, cookie_value)
    return thief


def test_production_session_cookie_is_secure_httponly_and_samesite(app_config, db, monkeypatch):
    username = make_user("admin").username
    db.session.close()  # (SQLite) the other app's sign-in writes; hold no transaction open
    monkeypatch.setenv("STUDIO_ENV", "production")
    overrides = {k: v for k, v in app_config.items() if k not in ("STUDIO_ENV", "TESTING")}
    production = create_app(overrides)
    assert production.config["STUDIO_ENV"] == "production"
    browser = production.test_client()

    login_page = browser.get("/studio/login")
    form = {"username": username, "password": PASSWORD}
    match = STUDIO_TOKEN.search(login_page.get_data(as_text=True))
    if match:
        form["csrf_token"] = match.group(1)
    signed_in = browser.post("/studio/login", data=form)

    cookies = [
        header
        for answer in (login_page, signed_in)
        for header in answer.headers.getlist("Set-Cookie")
        if header.startswith("session=")
    ]
    assert cookies
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "samesite=lax"} <= flags, cookie


def test_a_cookie_saved_before_sign_out_opens_nothing_afterwards(app, client, db):
    sign_in(client, make_user("admin"))
    saved = session_cookie(client)
    assert replay(app, saved).get("/studio/staff/").status_code == 200

    signed_out = sign_out(client)

    assert signed_out.status_code == 302
    stolen = replay(app, saved).get("/studio/staff/")
    assert stolen.status_code == 302 and "/studio/login" in stolen.headers["Location"]


def test_a_password_change_ends_the_users_other_sessions(app, client, db):
    target = make_user("marketer")
    other_browser = app.test_client()
    sign_in(other_browser, target)
    saved = session_cookie(other_browser)
    sign_in(client, make_user("admin"))
    url = f"/studio/staff/edit/?id={target.id}"
    form = {
        "csrf_token": admin_token(client, url),
        "username": target.username,
        "display_name": target.username,
        "role": "marketer",
        "branch": str(target.branch_id),
        "active": "y",
        "locale": "zh",
        "new_password": "a-new-password-456",
    }

    assert client.post(url, data=form).status_code == 302

    assert replay(app, saved).get("/studio/campaigns/").status_code == 302
    assert sign_in(app.test_client(), target, "a-new-password-456").status_code == 302


def test_an_admin_changing_their_own_password_stays_signed_in(client, db):
    admin = make_user("admin")
    sign_in(client, admin)
    url = f"/studio/staff/edit/?id={admin.id}"
    form = {
        "csrf_token": admin_token(client, url),
        "username": admin.username,
        "display_name": admin.username,
        "role": "admin",
        "branch": str(admin.branch_id),
        "active": "y",
        "locale": "zh",
        "new_password": "a-new-password-456",
    }
    assert client.post(url, data=form).status_code == 302
    assert client.get("/studio/staff/").status_code == 200


def test_sign_in_without_the_forms_token_is_refused(client, db):
    """Login CSRF: a page elsewhere posts the attacker's credentials to sign the victim in."""
    user = make_user("admin")
    form = {"username": user.username, "password": PASSWORD}

    assert client.post("/studio/login", data=form).status_code == 400
    attackers_token = page_token(make_attacker(client.application), "/studio/login")
    assert (
        client.post("/studio/login", data={**form, "csrf_token": attackers_token}).status_code
        == 400
    )

    assert client.get("/studio/").status_code == 302  # not signed in
    assert sign_in(client, user).status_code == 302  # with the page's own token it works
    assert client.get("/studio/").status_code == 200


def make_attacker(app):
    return app.test_client()


def test_sign_out_without_the_pages_token_is_refused(client, db):
    sign_in(client, make_user("admin"))
    assert client.post("/studio/logout").status_code == 400
    assert client.get("/studio/").status_code == 200
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.logout")) is None


@pytest.mark.parametrize("path", ["/studio/login", "/studio/", "/studio/staff/", "/studio/audit/"])
def test_studio_pages_refuse_framing_and_inline_script(client, db, path):
    sign_in(client, make_user("admin")) if path != "/studio/login" else None
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = answer.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["frame-src"] == "'self'"  # the studio may frame its own preview pages
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    # every script the page carries is allowed by this answer's nonce (or comes from 'self')
    html = answer.get_data(as_text=True)
    nonces = set(re.findall(r'<script[^>]*nonce="([^"]+)"', html))
    for nonce in nonces:
        assert f"'nonce-{nonce}'" in directives["script-src"]
    assert len(re.findall(r"<script", html)) == len(re.findall(r'<script[^>]*nonce="', html))


def test_the_nonce_changes_with_every_answer(client, db):
    sign_in(client, make_user("admin"))
    first = client.get("/studio/staff/").headers["Content-Security-Policy"]
    second = client.get("/studio/staff/").headers["Content-Security-Policy"]
    assert first != second


def test_participant_pages_may_be_framed_by_the_studio_only(client, db):
    from tests.runtime.conftest import base_bundle, publish

    make_hq()
    publish(base_bundle())
    answer = client.get("/c/test-draw")
    assert answer.status_code == 200
    assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in answer.headers["Content-Security-Policy"]


class CountingHasher(argon2.PasswordHasher):
    """The real hasher, recording the hashes it verified against."""

    def __init__(self):
        super().__init__()
        self.verified: list[str] = []

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        self.verified.append(hash)
        return super().verify(hash, password)


def test_an_unknown_username_costs_the_same_password_check_as_a_real_one(client, db, monkeypatch):
    import core.security

    user = make_user("admin")
    hasher = CountingHasher()
    monkeypatch.setattr(core.security, "_hasher", hasher)

    assert sign_in(client, user, "wrong-password").status_code == 401
    assert sign_in(client, "nobody-by-this-name", "wrong-password").status_code == 401

    assert len(hasher.verified) == 2
    real, dummy = (argon2.extract_parameters(h) for h in hasher.verified)
    assert dummy == real  # same algorithm, time cost, memory and parallelism
    assert hasher.verified[0] != hasher.verified[1]
