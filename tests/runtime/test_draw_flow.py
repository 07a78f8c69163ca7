"""Join, draw, my state and the draw's evidence through the test client."""

from __future__ import annotations

from sqlalchemy import func, select

from core.models import ChanceEntry, Draw, Prize, Reward
from tests.runtime.conftest import auth, base_bundle, publish


def test_join_then_draw_until_chances_run_out(client, db, token):
    publish(base_bundle())
    tok = token()
    joined = client.post("/api/v1/campaigns/test-draw/join", headers=auth(tok), json={})
    assert joined.status_code == 200, joined.json
    assert joined.json["granted"] == {"gold": 3}
    results = [
        client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok), json={})
        for _ in range(4)
    ]
    assert [r.status_code for r in results] == [200, 200, 200, 409]
    assert results[3].json["code"] == "no_chances"
    assert results[3].mimetype == "application/problem+json"
    assert results[2].json["chances_left"] == {"gold": 0}
    assert db.session.scalar(select(func.count(Draw.id))) == 3
    # the Draw rows are the ledger of spent chances: grants - draws == chances left
    assert db.session.scalar(select(func.sum(ChanceEntry.delta))) == 3
    assert db.session.scalar(select(func.count(ChanceEntry.id)).where(ChanceEntry.delta < 0)) == 0
    wins = db.session.scalar(select(func.count(Draw.id)).where(Draw.won.is_(True)))
    assert db.session.scalar(select(func.count(Reward.id))) == wins
    iphone = db.session.scalar(select(Prize).where(Prize.key == "iphone"))
    assert iphone.issued == wins
    me = client.get("/api/v1/campaigns/test-draw/me", headers=auth(tok))
    assert me.status_code == 200
    assert me.json["draws"] == 3 and me.json["chances"] == {"gold": 0}
    assert me.json["referral_code"]


def test_draw_without_joining_is_refused(client, token):
    publish(base_bundle())
    response = client.post("/api/v1/campaigns/test-draw/draw", headers=auth(token()), json={})
    assert response.status_code == 403
    assert response.json["code"] == "not_joined"


def test_replaying_a_stored_draw_gives_the_same_prize(client, db, token):
    from runtime.replay import replay_draw

    publish(base_bundle())
    tok = token()
    client.post("/api/v1/campaigns/test-draw/join", headers=auth(tok), json={})
    for _ in range(3):
        client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok), json={})
    draws = db.session.scalars(select(Draw)).all()
    assert len(draws) == 3
    for draw in draws:
        replayed = replay_draw(draw)
        assert replayed.odds_match
        assert replayed.prize == draw.prize_key


def test_paused_campaign_refuses_draws(client, db, token, app):
    from runtime.campaign_status import pause_campaign
    from runtime.loader import forget

    campaign = publish(base_bundle())
    tok = token()
    client.post("/api/v1/campaigns/test-draw/join", headers=auth(tok), json={})
    pause_campaign(campaign)
    forget()
    response = client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok), json={})
    assert response.status_code == 409
    assert response.json["code"] == "campaign_not_live"


def test_unknown_chance_kind_names_the_field(client, token):
    publish(base_bundle())
    tok = token()
    client.post("/api/v1/campaigns/test-draw/join", headers=auth(tok), json={})
    response = client.post(
        "/api/v1/campaigns/test-draw/draw", headers=auth(tok), json={"chance_kind": "platinum"}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["path"] == "chance_kind"
