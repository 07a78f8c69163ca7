"""Issuer limits count as stock: a draw answers `won` with a red packet or a coupon only when
the budget or the pool can still give it, and every such win is then issued."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from core.models import Campaign, RedPacketBudget, Reward
from runtime import hotstate
from runtime.issuance import coupons
from runtime.issuance.loop import IssuanceLoop
from runtime.issuer_limits import codes_added
from runtime.publishing import CampaignError, publish_campaign, update_draft
from runtime.reconcile import reconcile
from tests.runtime.conftest import auth, base_bundle, publish

THANKS = {
    "key": "thanks",
    "name": "谢谢",
    "weight": 0,
    "fallback": True,
    "reward": {"kind": "none"},
}


def packet_bundle(reward: dict, budget: float | None, slug: str = "test-draw") -> dict:
    prizes = [
        {"key": "packet", "name": "红包", "weight": 1, "stock": None, "reward": reward},
        THANKS,
    ]
    limits = {"per_person": {}, "branch_quotas": {}, "budget": budget and {"amount": budget}}
    chances = {"kinds": [{"key": "gold", "name": "金", "initial": 20}], "default_kind": "gold"}
    return base_bundle(slug, prizes=prizes, limits=limits, chances=chances)


def people(token, slug: str, count: int, tag: str = "p") -> list[str]:
    return [token(f"{slug}-{tag}{i}") for i in range(count)]


def draw_many(client, token, slug: str, count: int, each: int) -> list[dict]:
    return draw_with(client, people(token, slug, count), slug, each)


def draw_with(client, tokens: list[str], slug: str, each: int) -> list[dict]:
    answers = []
    for tok in tokens:
        headers = auth(tok)
        assert (
            client.post(f"/api/v1/campaigns/{slug}/join", headers=headers, json={}).status_code
            == 200
        )
        for _ in range(each):
            drawn = client.post(f"/api/v1/campaigns/{slug}/draw", headers=headers, json={})
            assert drawn.status_code == 200, drawn.json
            answers.append(drawn.json)
    return answers


def issue_all(app, db) -> None:
    db.session.commit()
    IssuanceLoop(app).run(burst=True)
    db.session.expire_all()


def reward_statuses(db, kind: str) -> Counter:
    return Counter(db.session.scalars(select(Reward.status).where(Reward.kind == kind)))


def test_fixed_red_packets_are_won_only_while_the_budget_covers_them(app, client, db, token):
    campaign = publish(packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 1}, 5))
    answers = draw_many(client, token, "test-draw", 4, 2)
    packets = [a for a in answers if a["prize"]["key"] == "packet"]
    assert len(packets) == 5
    assert all(a["won"] and not a["consolation"] and a["reward"]["amount"] == 1.0 for a in packets)
    rest = [a for a in answers if a["prize"]["key"] == "thanks"]
    assert len(rest) == 3 and all(a["won"] and a["consolation"] for a in rest)
    assert hotstate.client().hget(hotstate.limits_key(campaign.id), "budget") == "0"

    issue_all(app, db)
    assert reward_statuses(db, "red_packet") == {"issued": 5}
    spent = db.session.scalar(select(RedPacketBudget.spent_cents))
    assert spent == 500


def test_random_red_packets_reserve_their_amount_and_are_paid_exactly(app, client, db, token):
    reward = {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 2.0}
    publish(packet_bundle(reward, 10))
    answers = draw_many(client, token, "test-draw", 6, 4)
    won = [a for a in answers if a["prize"]["key"] == "packet"]
    promised = round(sum(a["reward"]["amount"] for a in won) * 100)
    assert 0 < promised <= 1000 and any(a["consolation"] for a in answers)

    issue_all(app, db)
    assert reward_statuses(db, "red_packet") == {"issued": len(won)}
    assert db.session.scalar(select(RedPacketBudget.spent_cents)) == promised
    results = db.session.scalars(select(Reward.result).where(Reward.kind == "red_packet"))
    assert sorted(r["amount_cents"] for r in results) == sorted(
        round(a["reward"]["amount"] * 100) for a in won
    )


def test_no_budget_means_no_red_packet_is_promised(client, token):
    publish(packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 1}, None))
    answers = draw_many(client, token, "test-draw", 1, 3)
    assert [a["prize"]["key"] for a in answers] == ["thanks"] * 3


def coupon_bundle(stock: int, slug: str = "test-draw") -> dict:
    prizes = [
        {
            "key": "coupon",
            "name": "话费券",
            "weight": 1,
            "stock": stock,
            "reward": {"kind": "coupon_code", "pool": "small-pool"},
        },
        THANKS,
    ]
    chances = {"kinds": [{"key": "gold", "name": "金", "initial": 20}], "default_kind": "gold"}
    return base_bundle(slug, prizes=prizes, chances=chances)


def upload(db, count: int, start: int = 0) -> int:
    codes = "\n".join(f"C-{i}" for i in range(start, start + count))
    report = coupons.upload_codes(db.session, "small-pool", codes)
    db.session.commit()
    codes_added(db.session, "small-pool", report.added)
    return report.added


def test_a_pool_smaller_than_the_stock_stops_coupon_wins_at_its_codes(app, client, db, token):
    cid = publish(coupon_bundle(stock=10)).id
    upload(db, 3)
    late = people(token, "test-draw", 1, tag="late")
    answers = draw_many(client, token, "test-draw", 3, 2)
    assert Counter(a["prize"]["key"] for a in answers) == {"coupon": 3, "thanks": 3}
    issue_all(app, db)
    assert reward_statuses(db, "coupon_code") == {"issued": 3}

    upload(db, 2, start=3)  # new codes may be promised at once
    more = draw_with(client, late, "test-draw", 3)
    assert Counter(a["prize"]["key"] for a in more) == {"coupon": 2, "thanks": 1}
    assert hotstate.client().hget(hotstate.limits_key(cid), "pool:small-pool") == "0"


def test_two_campaigns_sharing_a_pool_never_promise_more_than_its_codes(app, client, db, token):
    upload(db, 4)
    publish(coupon_bundle(stock=10, slug="first-one"))
    publish(coupon_bundle(stock=10, slug="second-one"))
    answers = draw_many(client, token, "first-one", 2, 2) + draw_many(
        client, token, "second-one", 2, 2
    )
    assert sum(a["prize"]["key"] == "coupon" for a in answers) == 4
    issue_all(app, db)
    assert reward_statuses(db, "coupon_code") == {"issued": 4}


def test_reconcile_rebuilds_issuer_limits_from_the_ledger(app, client, db, redis, token):
    campaign = publish(packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 1.5}, 9))
    draw_many(client, token, "test-draw", 2, 2)  # 4 x 1.50 reserved, nothing paid yet
    key = hotstate.limits_key(campaign.id)
    assert redis.hget(key, "budget") == "300"
    redis.delete(key)
    db.session.commit()
    assert reconcile("test-draw")[0]["issuer_limits"] == {"budget": 300}
    issue_all(app, db)
    assert reconcile("test-draw")[0]["issuer_limits"] == {"budget": 300}
    assert redis.hget(key, "budget") == "300"


def test_a_republished_budget_moves_the_counter_and_cannot_drop_below_what_was_paid(
    app, client, db, redis, token
):
    cid = publish(packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 1}, 3)).id
    draw_many(client, token, "test-draw", 1, 2)
    issue_all(app, db)
    campaign = db.session.get(Campaign, cid)
    update_draft(campaign, packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 1}, 5))
    publish_campaign(campaign)
    assert redis.hget(hotstate.limits_key(cid), "budget") == "300"
    assert db.session.scalar(select(RedPacketBudget.total_cents)) == 500
    update_draft(campaign, packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 1}, 1))
    with pytest.raises(CampaignError) as refused:
        publish_campaign(campaign)
    assert refused.value.errors[0]["path"] == "limits.budget.amount"
    db.session.rollback()
    assert db.session.scalar(select(func.count(RedPacketBudget.id))) == 1


def test_issue_prize_action_takes_the_budget_too(app, client, db, token):
    bundle = packet_bundle({"kind": "red_packet", "mode": "fixed", "amount": 2}, 3)
    bundle["prizes"][0]["weight"] = 0
    bundle["prizes"][1]["weight"] = 1
    bundle["rules"] = [
        {
            "id": "welcome-packet",
            "trigger": "join",
            "conditions": None,
            "actions": [{"name": "issue_prize", "params": {"prize": "packet"}}],
        }
    ]
    publish(bundle)
    for i in range(3):
        headers = auth(token(f"joiner-{i}"))
        assert (
            client.post("/api/v1/campaigns/test-draw/join", headers=headers, json={}).status_code
            == 200
        )
    rows = db.session.execute(select(Reward.status, Reward.payload)).all()
    assert [payload["amount_cents"] for _, payload in rows] == [200]
    issue_all(app, db)
    assert reward_statuses(db, "red_packet") == {"issued": 1}
