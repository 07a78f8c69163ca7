"""The public campaign view: the version number (one fact with the studio and the CLI) and
each prize's reward by kind and unit."""

from __future__ import annotations

from runtime.publishing import publish_campaign, update_draft
from tests.runtime.conftest import base_bundle, publish

PRIZES = [
    {"key": "pts", "name": "100积分", "weight": 1, "reward": {"kind": "points", "amount": 100}},
    {
        "key": "packet",
        "name": "红包",
        "weight": 1,
        "reward": {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 8.88},
    },
    {
        "key": "five",
        "name": "5元红包",
        "weight": 1,
        "reward": {"kind": "red_packet", "mode": "fixed", "amount": 5},
    },
    {
        "key": "coupon",
        "name": "话费券",
        "weight": 1,
        "stock": 5,
        "reward": {"kind": "coupon_code", "pool": "secret-pool"},
    },
    {"key": "badge", "name": "徽章", "weight": 1, "fallback": True, "reward": {"kind": "none"}},
]


def test_the_view_reports_the_version_number_not_a_row_id(client, db):
    publish(base_bundle("first-campaign"))  # its versions take the low row ids
    campaign = publish(base_bundle("second-campaign"))
    for _ in range(2):
        update_draft(campaign, {**base_bundle("second-campaign"), "description": "again"})
        publish_campaign(campaign)
    first = client.get("/api/v1/campaigns/first-campaign").json
    second = client.get("/api/v1/campaigns/second-campaign").json
    assert first["version"] == 1
    assert second["version"] == campaign.published_version.number == 3
    assert campaign.published_version_id == 4  # what the view used to report


def test_prizes_carry_their_reward_by_kind_and_unit(client):
    limits = {"per_person": {}, "branch_quotas": {}, "budget": {"amount": 100}}
    publish(base_bundle(prizes=PRIZES, limits=limits))
    prizes = {p["key"]: p for p in client.get("/api/v1/campaigns/test-draw").json["prizes"]}
    assert prizes["pts"]["reward"] == {"kind": "points", "amount": 100}
    assert prizes["packet"]["reward"] == {
        "kind": "red_packet",
        "min": 0.5,
        "max": 8.88,
        "currency": "CNY",
    }
    assert prizes["five"]["reward"] == {"kind": "red_packet", "amount": 5, "currency": "CNY"}
    assert prizes["coupon"]["reward"] == {"kind": "coupon_code"}  # never the pool
    assert prizes["badge"]["fallback"] is True and prizes["badge"]["reward"] == {"kind": "none"}


def test_me_reports_a_consolation_prize_as_won_like_the_draw_answer(client, token):
    from tests.runtime.conftest import auth

    prizes = [
        {"key": "gift", "name": "礼物", "weight": 0, "stock": 1, "reward": {"kind": "physical"}},
        {"key": "badge", "name": "徽章", "weight": 1, "fallback": True, "reward": {"kind": "none"}},
    ]
    publish(base_bundle(prizes=prizes))
    headers = auth(token("someone"))
    client.post("/api/v1/campaigns/test-draw/join", headers=headers, json={})
    drawn = client.post("/api/v1/campaigns/test-draw/draw", headers=headers, json={}).json
    assert (drawn["won"], drawn["consolation"]) == (True, True)
    me = client.get("/api/v1/campaigns/test-draw/me", headers=headers).json
    assert me["wins"] == 0  # no prize other than the consolation prize
    assert me["recent_draws"][0]["won"] is True and me["recent_draws"][0]["consolation"] is True
