"""GET /campaigns/{slug}/me (runtime.state): each campaign shows the points of its own scope,
and the points a worker has yet to credit."""

from __future__ import annotations

from runtime.issuance.loop import IssuanceLoop
from tests.loyalty.helpers import credit, join
from tests.runtime.conftest import auth, base_bundle, publish

WELCOME = {
    "id": "welcome",
    "trigger": "join",
    "conditions": None,
    "actions": [{"name": "award_points", "params": {"amount": 10, "note": "welcome"}}],
}


def me(client, tok: str, slug: str) -> dict:
    answer = client.get(f"/api/v1/campaigns/{slug}/me", headers=auth(tok))
    assert answer.status_code == 200, answer.json
    return answer.json


def test_each_campaign_shows_the_points_of_its_own_scope(client, db, token):
    dig = publish(base_bundle("dig"))
    mall = publish(base_bundle("mall", mall={"points_from": "campaign", "items": []}))
    publish(base_bundle("check-in"))
    tok = token("customer")
    pid = join(client, tok, "/api/v1/campaigns/dig")
    join(client, tok, "/api/v1/campaigns/mall")
    join(client, tok, "/api/v1/campaigns/check-in")
    credit(pid, 300, dig.id, "dig-prize")
    credit(pid, 1000, mall.id, "mall-task")
    credit(pid, 70, None, "staff-bank-wide")

    assert me(client, tok, "dig")["points"] == 300
    assert me(client, tok, "mall")["points"] == 1000
    assert me(client, tok, "check-in")["points"] == 0  # never earned a point here


def test_a_mall_spending_bank_wide_points_shows_the_bank_wide_balance(client, db, token):
    dig = publish(base_bundle("dig"))
    publish(base_bundle("bank-mall", mall={"points_from": "bank", "items": []}))
    tok = token("customer")
    pid = join(client, tok, "/api/v1/campaigns/dig")
    join(client, tok, "/api/v1/campaigns/bank-mall")
    credit(pid, 300, dig.id, "dig-prize")
    credit(pid, 70, None, "staff-bank-wide")

    assert me(client, tok, "bank-mall")["points"] == 70  # what its mall spends
    assert me(client, tok, "dig")["points"] == 300


def test_points_awarded_but_not_yet_credited_are_pending(app, client, db, token):
    publish(base_bundle("welcome", rules=[WELCOME]))
    publish(base_bundle("other", rules=[WELCOME]))
    tok = token("newcomer")
    join(client, tok, "/api/v1/campaigns/welcome")
    state = me(client, tok, "welcome")
    assert (state["points"], state["points_pending"]) == (0, 10)
    assert me(client, tok, "other")["points_pending"] == 0  # not joined: nothing of welcome's

    db.session.commit()
    assert IssuanceLoop(app, kinds=["points"]).run(burst=True) == 1
    state = me(client, tok, "welcome")
    assert (state["points"], state["points_pending"]) == (10, 0)
