"""A participant's journey: for auditors, administrators and the approvers (branch managers)
of the campaign's subtree only; every lookup audited; each draw replayed from its evidence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditEntry, Draw
from tests.builder.studio import sign_in
from tests.factories import make_branch, make_channel, make_hq, make_token, make_user
from tests.runtime.conftest import auth, base_bundle, publish


@pytest.fixture
def played(app, db, client):
    """A Shanghai campaign where customer-7 joined and drew three times through the API."""
    hq = make_hq()
    sh = make_branch("SH001", parent=hq)
    bj = make_branch("BJ001", parent=hq)
    campaign = publish(base_bundle("journey", branch="SH001"))
    channel, _ = make_channel("bank-app")
    token = make_token(channel, "customer-7", {"branch": "SH001"})
    db.session.commit()
    headers = auth(token)
    assert (
        client.post("/api/v1/campaigns/journey/join", headers=headers, json={}).status_code == 200
    )
    for _ in range(3):
        answer = client.post("/api/v1/campaigns/journey/draw", headers=headers, json={})
        assert answer.status_code == 200, answer.json
    return {"campaign": campaign, "sh": sh, "bj": bj, "hq": hq}


def journey_page(app, user, campaign_id: int, query: str = "customer-7"):
    browser = app.test_client()
    assert sign_in(browser, user).status_code == 302
    browser.get("/studio/language/en")
    return browser.get(f"/studio/reports/campaign/{campaign_id}/participant?q={query}")


def test_an_auditor_sees_every_draw_replayed_and_the_lookup_is_audited(app, db, played):
    auditor = make_user("auditor", branch=played["sh"], username="sh-auditor")
    cid = played["campaign"].id
    answer = journey_page(app, auditor, cid)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    draws = db.session.scalars(select(Draw).where(Draw.campaign_id == cid)).all()
    assert len(draws) == 3
    for draw in draws:
        assert f'data-draw="{draw.id}"' in page
        assert str(draw.evidence["random"]) in page  # the random value it was picked with
    assert page.count('data-replay="same"') == 3
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.journey")
    ).all()
    assert [(a.actor, a.object_id, a.branch_id) for a in audited] == [
        ("sh-auditor", str(cid), played["sh"].id)
    ]


def test_a_tampered_draw_does_not_replay_to_its_prize(app, db, played):
    cid = played["campaign"].id
    draw = db.session.scalars(select(Draw).where(Draw.campaign_id == cid)).first()
    evidence = dict(draw.evidence)
    odds = dict(evidence["odds"])
    odds["entries"] = [{**e, "weight": e["weight"] + 1} for e in odds["entries"]]
    evidence["odds"] = odds  # the stored odds no longer match what the version computes
    draw.evidence = evidence
    db.session.commit()
    page = journey_page(app, make_user("admin", branch=played["hq"]), cid).get_data(as_text=True)
    assert page.count('data-replay="different"') == 1 and page.count('data-replay="same"') == 2


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        ("approver", "sh", 200),  # the campaign branch's manager
        ("admin", "hq", 200),
        ("marketer", "sh", 403),
        ("operator", "sh", 403),
        ("auditor", "bj", 404),  # another subtree
        ("approver", "bj", 404),
    ],
)
def test_who_may_see_a_journey(app, db, played, role, where, status):
    user = make_user(role, branch=played[where])
    answer = journey_page(app, user, played["campaign"].id)
    assert answer.status_code == status
    if status != 200:
        assert "customer-7" not in answer.get_data(as_text=True)
        assert not db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "participant.journey")
        ).all()


def test_an_unknown_participant_is_said_so_next_to_the_field(app, db, played):
    user = make_user("auditor", branch=played["hq"])
    page = journey_page(app, user, played["campaign"].id, "nobody").get_data(as_text=True)
    assert 'data-error="q"' in page and "data-draw=" not in page
