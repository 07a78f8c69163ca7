"""Join eligibility, shares, check-ins, votes, leads, nearby branches, reconcile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.models import AuditEntry, CampaignVersion, Lead, Prize, Reward
from runtime import hotstate
from tests.factories import make_branch
from tests.runtime.conftest import auth, base_bundle, flights_landed, publish
from widgets import apply_managed

SLUG = "/api/v1/campaigns/test-draw"


def test_audience_refusal_carries_the_marketers_message(client, token):
    audience = {
        "conditions": {"all": [{"name": "is_new_customer", "operator": "is_true", "value": None}]},
        "whitelist": None,
        "message": "仅限新客户",
    }
    publish(base_bundle(audience=audience))
    refused = client.post(f"{SLUG}/join", headers=auth(token("old")), json={})
    assert refused.status_code == 403
    assert refused.json["code"] == "not_eligible" and refused.json["detail"] == "仅限新客户"
    ok = client.post(f"{SLUG}/join", headers=auth(token("new", {"is_new_customer": True})), json={})
    assert ok.status_code == 200


def test_share_counts_once_per_channel_per_day_and_is_capped(client, token):
    rules = [
        {
            "id": "share-bonus",
            "trigger": "share",
            "conditions": None,
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
        }
    ]
    publish(base_bundle(rules=rules, limits={"per_person": {}, "shares_rewarded_per_day": 2}))
    tok = token()
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    answers = [
        client.post(f"{SLUG}/share", headers=auth(tok), json={"share_channel": c}).json
        for c in ("wechat_friend", "wechat_friend", "weibo", "qq")
    ]
    assert [a["counted"] for a in answers] == [True, False, True, True]
    assert [a["granted"] for a in answers] == [{"gold": 1}, {}, {"gold": 1}, {}]
    me = client.get(f"{SLUG}/me", headers=auth(tok)).json
    assert me["chances"]["gold"] == 5


def test_check_in_once_a_day_with_monthly_bonus_as_points_reward(client, db, token):
    today = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).day
    rules = [
        {
            "id": "day-bonus",
            "trigger": "check_in",
            "conditions": {
                "all": [{"name": "day_of_month", "operator": "equal_to", "value": today}]
            },
            "actions": [{"name": "award_points", "params": {"amount": 1800}}],
        }
    ]
    publish(base_bundle(rules=rules))
    tok = token()
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    first = client.post(f"{SLUG}/check-in", headers=auth(tok))
    assert first.status_code == 200 and first.json["streak"] == 1
    assert first.json["points"] == 1800
    again = client.post(f"{SLUG}/check-in", headers=auth(tok))
    assert again.status_code == 409 and again.json["code"] == "already_checked_in"
    reward = db.session.scalar(select(Reward).where(Reward.kind == "points"))
    assert reward.payload["amount"] == 1800 and reward.status == "pending"


def test_votes_once_per_candidate_per_day_with_live_counts(client, redis, token):
    widget = {
        "type": "vote",
        "config": {"candidates": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]},
    }
    campaign = publish(apply_managed(base_bundle(widget=widget)))  # with the daily vote limit
    for name in ("u1", "u2"):
        tok = token(name)
        client.post(f"{SLUG}/join", headers=auth(tok), json={})
        assert (
            client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "a"}).status_code
            == 200
        )
    tok = token("u1")
    dup = client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "a"})
    assert dup.status_code == 409 and dup.json["code"] == "already_voted"
    unknown = client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "zzz"})
    assert unknown.status_code == 422 and unknown.json["errors"][0]["path"] == "candidate"
    assert redis.hget(hotstate.votes_key(campaign.id), "a") == "2"


def test_lead_needs_consent_and_valid_fields(client, db, token):
    publish(base_bundle())
    tok = token()
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    bad = client.post(f"{SLUG}/leads", headers=auth(tok), json={"name": "张三", "phone": "x"})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json["errors"]} == {"phone", "consent_contact"}
    no_consent = client.post(
        f"{SLUG}/leads",
        headers=auth(tok),
        json={"name": "张三", "phone": "13800000000", "consent_contact": False},
    )
    assert no_consent.status_code == 422
    ok = client.post(
        f"{SLUG}/leads",
        headers=auth(tok),
        json={"name": "张三", "phone": "13800000000", "consent_contact": True},
    )
    assert ok.status_code == 201
    lead = db.session.scalar(select(Lead))
    assert lead.consent_contact and not lead.consent_marketing


def test_nearby_branches_sorted_and_validated(client):
    make_branch("SH1", latitude=31.23, longitude=121.47)
    make_branch("BJ1", latitude=39.90, longitude=116.40)
    found = client.get("/api/v1/branches/nearby?lat=31.2&lon=121.5&limit=2").json["branches"]
    assert [b["code"] for b in found] == ["SH1", "BJ1"]
    bad = client.get("/api/v1/branches/nearby?lat=91&lon=0")
    assert bad.status_code == 422 and bad.json["errors"][0]["path"] == "lat"


def test_bad_bundle_lists_every_problem_and_writes_nothing(app, db):
    from core.models import Campaign
    from runtime.publishing import CampaignError, create_campaign

    bundle = base_bundle(prizes=[{"key": "x", "name": "X", "weight": -1, "reward": {}}])
    bundle["schedule"]["timezone"] = "Mars/Olympus"
    with pytest.raises(CampaignError) as caught:
        create_campaign(bundle)
    paths = {e["path"] for e in caught.value.errors}
    assert {"prizes[0].weight", "schedule.timezone"} <= paths
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_republish_rollback_and_stock_priming(app, db, redis):
    from runtime.publishing import publish_campaign, rollback_campaign, update_draft

    campaign = publish(base_bundle())
    assert redis.hget(hotstate.stock_key(campaign.id), "iphone") == "10"
    bundle = base_bundle()
    bundle["prizes"][0]["stock"] = 25
    update_draft(campaign, bundle)
    publish_campaign(campaign, note="more stock")
    assert redis.hget(hotstate.stock_key(campaign.id), "iphone") == "25"
    rollback_campaign(campaign, 1)  # a draft equal to version 1: live is untouched
    assert campaign.draft_hash == db.session.get(CampaignVersion, 1).content_hash
    assert campaign.rollback_of == 1 and campaign.status == "live"
    assert redis.hget(hotstate.stock_key(campaign.id), "iphone") == "25"
    version = publish_campaign(campaign)
    assert version.number == 3 and campaign.rollback_of is None
    assert redis.hget(hotstate.stock_key(campaign.id), "iphone") == "10"
    assert db.session.scalar(select(func.count(CampaignVersion.id))) == 3
    assert db.session.scalar(select(Prize.stock_total).where(Prize.key == "iphone")) == 10
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "campaign.create",
        "campaign.publish",
        "campaign.update_draft",
        "campaign.publish",
        "campaign.rollback",
        "campaign.publish",
    ]
    rollback = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.rollback"))
    assert rollback.before["fields"] == {"prizes[iphone].stock": 25}
    assert rollback.after["fields"] == {"prizes[iphone].stock": 10}
    assert rollback.after["version"] == 1


def test_reconcile_rebuilds_redis_from_the_ledger(client, db, redis, token, runner):
    campaign = publish(base_bundle())
    tok = token()
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    for _ in range(2):
        client.post(f"{SLUG}/draw", headers=auth(tok), json={})
    assert flights_landed(redis, campaign.id)
    before = {k: redis.hgetall(k) for k in redis.scan_iter(f"cs:{{{campaign.id}}}:*")}
    redis.flushdb()
    from runtime.cli import reconcile

    result = runner.invoke(reconcile, ["test-draw"])
    assert result.exit_code == 0, result.output
    after = {k: redis.hgetall(k) for k in redis.scan_iter(f"cs:{{{campaign.id}}}:*")}
    strip = lambda m: {k: {f: v for f, v in h.items() if v != "0"} for k, h in m.items()}  # noqa: E731
    assert strip(after) == strip(before)
    assert runner.invoke(reconcile, ["nope"]).exit_code != 0
