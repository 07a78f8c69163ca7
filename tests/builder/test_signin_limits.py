"""Sign-in limits behind the bank's proxy: per real client address, per account across
addresses, and never a lock-out of the account's owner on the browsers they already use."""

from __future__ import annotations

import pytest

from core import create_app
from tests.builder.studio import PASSWORD, STUDIO_TOKEN
from tests.factories import make_user


@pytest.fixture
def proxied(app_config, db):
    """Factory: an app behind one trusted proxy with real Redis-counted limits."""

    def build(**limits):
        db.session.commit()
        db.session.close()  # the other app's requests must not wait behind this session
        settings = {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "STUDIO_TRUSTED_PROXIES": 1,
            **limits,
        }
        return create_app(settings)

    return build


class Browser:
    """One person's browser, arriving through the proxy from `address`."""

    def __init__(self, app, address: str):
        self.client = app.test_client()
        self.address = address

    def attempt(self, username: str, password: str) -> int:
        headers = {"X-Forwarded-For": self.address}
        page = self.client.get("/studio/login", headers=headers).get_data(as_text=True)
        form = {"username": username, "password": password}
        match = STUDIO_TOKEN.search(page)
        if match:
            form["csrf_token"] = match.group(1)
        return self.client.post("/studio/login", data=form, headers=headers).status_code


def test_a_guesser_behind_the_proxy_does_not_lock_out_other_addresses(proxied, db):
    """Ten bad sign-ins a minute used to lock every staff member behind the proxy out."""
    make_user("approver", username="teller")
    app = proxied()  # the default limits
    guesser, colleague = Browser(app, "203.0.113.7"), Browser(app, "198.51.100.20")

    assert [guesser.attempt("teller", f"guess-{i}") for i in range(11)] == [401] * 10 + [429]

    assert colleague.attempt("teller", PASSWORD) == 302


def test_guessing_one_account_from_many_addresses_is_limited(proxied, db):
    make_user("approver", username="teller")
    app = proxied(STUDIO_LOGIN_LIMIT_ADDRESS="100/minute", STUDIO_LOGIN_LIMIT_ACCOUNT="5/hour")
    botnet = [Browser(app, f"203.0.113.{i}") for i in range(1, 7)]

    statuses = [bot.attempt("teller", f"guess-{i}") for i, bot in enumerate(botnet)]

    assert statuses == [401] * 5 + [429]
    # the right password from yet another new address is not even checked while refused
    assert Browser(app, "203.0.113.99").attempt("teller", PASSWORD) == 429
    # an unknown username is limited the same way (a refusal tells nothing about who exists)
    ghosts = [Browser(app, f"192.0.2.{i}").attempt("ghost", "x" * 8) for i in range(1, 7)]
    assert ghosts == [401] * 5 + [429]


def test_a_stranger_cannot_lock_the_owner_out_of_their_own_browser(proxied, db):
    make_user("approver", username="teller")
    app = proxied(
        STUDIO_LOGIN_LIMIT_ADDRESS="100/minute",
        STUDIO_LOGIN_LIMIT_ACCOUNT="4/hour",
        STUDIO_LOGIN_LIMIT_DEVICE="3/hour",
    )
    owner = Browser(app, "198.51.100.20")
    # the owner's first sign-in (1 of the shared 4) makes this browser a known device
    assert owner.attempt("teller", PASSWORD) == 302

    stranger = Browser(app, "203.0.113.7")
    assert [stranger.attempt("teller", f"guess-{i}") for i in range(4)] == [401, 401, 401, 429]

    assert owner.attempt("teller", PASSWORD) == 302  # 1 of the device's own 3
    # the owner's browser has a budget of its own: a stolen laptop cannot guess forever
    assert [owner.attempt("teller", f"typo-{i}") for i in range(3)] == [401, 401, 429]


def test_a_forged_device_cookie_buys_no_budget(proxied, db):
    make_user("approver", username="teller")
    app = proxied(STUDIO_LOGIN_LIMIT_ADDRESS="100/minute", STUDIO_LOGIN_LIMIT_ACCOUNT="2/hour")
    stranger = Browser(app, "203.0.113.7")
    stranger.client.set_cookie(
        "studio_device", "eyJmb3JnZWQiOiJ5ZXMifQ.forged.signature", path="/studio"
    )
    assert [stranger.attempt("teller", f"guess-{i}") for i in range(3)] == [401, 401, 429]


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app_config, db):
    make_user("approver", username="teller")
    db.session.commit()
    db.session.close()
    app = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "STUDIO_LOGIN_LIMIT_ADDRESS": "2/minute",
            "STUDIO_LOGIN_LIMIT_ACCOUNT": "100/hour",
        }
    )
    spoofers = [Browser(app, f"203.0.113.{i}") for i in range(1, 4)]
    # every request really comes from the test client's own address: one budget for all
    assert [s.attempt("teller", "guess") for s in spoofers] == [401, 401, 429]
