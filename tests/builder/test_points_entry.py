"""The studio's points entry, attacked over HTTP: an operator crediting a customer of another
branch, an amount beyond the cap, a large credit without a second person, and two approvers
racing each other."""

from __future__ import annotations

import re
import threading

import pytest
import requests
from sqlalchemy import func, select

from core.models import Campaign, Membership, Participant, PointsEntry, PointsRequest
from runtime.issuance import points
from tests.builder.studio import PASSWORD, STUDIO_TOKEN, page_token, sign_in
from tests.factories import make_branch, make_channel, make_hq, make_user

URL = "/studio/rewards/points"


@pytest.fixture
def bank(app, db):
    app.config.update(STAFF_POINTS_MAX_ENTRY=10_000, STAFF_POINTS_APPROVAL_THRESHOLD=1_000)
    hq = make_hq()
    sh, bj = make_branch("SH001", parent=hq), make_branch("BJ001", parent=hq)
    campaign = Campaign(
        slug="sh-points",
        name="积分",
        branch_id=sh.id,
        widget_type="check_in",
        draft={},
        draft_hash="h",
    )
    channel, _ = make_channel("bank-app")
    customer = Participant(channel_id=channel.id, external_id="cust-9")
    db.session.add_all([campaign, customer])
    db.session.flush()
    db.session.add(
        Membership(campaign_id=campaign.id, participant_id=customer.id, referral_code="R0000001")
    )
    db.session.commit()
    return {
        "hq": hq,
        "sh": sh,
        "bj": bj,
        "campaign": campaign,
        "channel": channel,
        "customer": customer,
    }


def entry_form(client, bank, amount: int, **extra) -> dict:
    return {
        "csrf_token": page_token(client, URL),
        "campaign": str(bank["campaign"].id),
        "channel": str(bank["channel"].id),
        "participant": "cust-9",
        "amount": str(amount),
        "note": "deposit 8812",
        **extra,
    }


def entry_count(db) -> int:
    return db.session.scalar(select(func.count(PointsEntry.id)))


def test_an_operator_cannot_credit_a_customer_of_another_branch(client, db, bank):
    sign_in(client, make_user("operator", branch=bank["bj"]))
    page = client.post(URL, data=entry_form(client, bank, 500)).get_data(as_text=True)
    # nor by leaving the campaign out (bank-wide points are head office's)
    client.post(URL, data={**entry_form(client, bank, 500), "campaign": ""})
    assert "campaign" in page
    assert entry_count(db) == 0 and points.balance(bank["customer"].id) == 0
    # the form offers only campaigns of the operator's own branch
    assert "sh-points" not in client.get(URL).get_data(as_text=True)


def test_an_amount_beyond_the_cap_is_refused(client, db, bank):
    sign_in(client, make_user("operator", branch=bank["sh"]))
    page = client.post(URL, data=entry_form(client, bank, 10_000_000)).get_data(as_text=True)
    assert "amount" in page and "10000" in page
    assert entry_count(db) == 0
    assert db.session.scalar(select(func.count(PointsRequest.id))) == 0


def test_a_large_credit_waits_for_a_second_person(app, client, db, bank):
    teller = make_user("operator", branch=bank["sh"])
    sign_in(client, teller)
    page = client.post(URL, data=entry_form(client, bank, 5_000)).get_data(as_text=True)
    request_id = int(re.search(r'data-points-request="(\d+)"', page).group(1))
    assert points.balance(bank["customer"].id) == 0 and entry_count(db) == 0
    decision = f"{URL}/requests/{request_id}/approve"

    # the teller approves their own entry: refused (and without a token: refused earlier)
    assert client.post(decision).status_code == 400
    client.post(decision, data={"csrf_token": page_token(client, URL)})
    # an operator of another branch: refused
    outsider = app.test_client()
    sign_in(outsider, make_user("operator", branch=bank["bj"]))
    outsider.post(decision, data={"csrf_token": page_token(outsider, URL)})
    assert points.balance(bank["customer"].id) == 0

    supervisor = app.test_client()
    sign_in(supervisor, make_user("operator", branch=bank["sh"]))
    listed = supervisor.get(URL).get_data(as_text=True)
    assert f'data-points-pending="{request_id}"' in listed
    supervisor.post(decision, data={"csrf_token": page_token(supervisor, URL)})

    assert points.balance(bank["customer"].id) == 5_000 and entry_count(db) == 1
    held = db.session.get(PointsRequest, request_id)
    assert held.status == "approved" and held.requested_by_id == teller.id


@pytest.mark.slow
def test_two_approvers_racing_post_the_credit_once(live_server, db, bank):
    """Two supervisors press approve at the same moment, each on their own gunicorn worker."""
    teller = make_user("operator", branch=bank["sh"]).username
    supervisors = [make_user("operator", branch=bank["sh"]).username for _ in range(2)]
    campaign_id, channel_id = bank["campaign"].id, bank["channel"].id
    customer_id = bank["customer"].id
    # (SQLite: the test's own session must not start a write transaction while the server runs)
    db.session.close()
    base = live_server(
        workers=2,
        threads=2,
        extra_env={"STAFF_POINTS_MAX_ENTRY": "10000", "STAFF_POINTS_APPROVAL_THRESHOLD": "1000"},
    )

    def browser(username):
        session = requests.Session()
        token = STUDIO_TOKEN.search(session.get(base + "/studio/login", timeout=10).text).group(1)
        form = {"username": username, "password": PASSWORD, "csrf_token": token}
        assert session.post(base + "/studio/login", data=form, timeout=30).ok
        return session

    def token_of(session):
        return STUDIO_TOKEN.search(session.get(base + URL, timeout=10).text).group(1)

    teller_browser = browser(teller)
    form = {
        "csrf_token": token_of(teller_browser),
        "campaign": str(campaign_id),
        "channel": str(channel_id),
        "participant": "cust-9",
        "amount": "5000",
        "note": "deposit",
    }
    page = teller_browser.post(base + URL, data=form, timeout=30).text
    request_id = int(re.search(r'data-points-request="(\d+)"', page).group(1))
    racers = [browser(username) for username in supervisors]
    tokens = [token_of(racer) for racer in racers]
    start = threading.Barrier(len(racers))
    answers: list[int] = []

    def approve(session, token):
        start.wait()
        url = f"{base}{URL}/requests/{request_id}/approve"
        answers.append(
            session.post(
                url, data={"csrf_token": token}, timeout=60, allow_redirects=False
            ).status_code
        )

    threads = [
        threading.Thread(target=approve, args=pair) for pair in zip(racers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [302, 302]
    db.session.expire_all()
    assert entry_count(db) == 1 and points.balance(customer_id) == 5_000
    assert db.session.get(PointsRequest, request_id).status == "approved"
