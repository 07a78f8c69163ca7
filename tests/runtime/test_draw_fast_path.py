"""The draw's fast path keeps every guarantee: spent chances derived from Draw rows, the
Idempotency-Key kept in Redis with the Draw UNIQUE as backstop, cached token verification."""

from __future__ import annotations

import time

import jwt
from sqlalchemy import func, select

from core.models import ChanceEntry, Draw, Prize, Reward
from runtime import hotstate
from tests.runtime.conftest import auth, base_bundle, publish

DRAW = "/api/v1/campaigns/test-draw/draw"
JOIN = "/api/v1/campaigns/test-draw/join"


def test_reconcile_derives_spent_chances_from_draws(client, db, redis, runner, token):
    from runtime.cli import reconcile

    campaign = publish(base_bundle())
    alice, bob = token("alice"), token("bob")
    for tok in (alice, bob):
        client.post(JOIN, headers=auth(tok), json={})
    drawn = [client.post(DRAW, headers=auth(alice), json={}).json for _ in range(2)]
    client.post(DRAW, headers=auth(bob), json={})
    assert db.session.scalar(select(func.count(ChanceEntry.id)).where(ChanceEntry.delta < 0)) == 0
    # a draw written before the Draw row sufficed also has its ChanceEntry(-1): not counted twice
    alice_id = db.session.scalar(select(Draw.participant_id).where(Draw.id == drawn[0]["draw_id"]))
    db.session.add(
        ChanceEntry(
            campaign_id=campaign.id,
            participant_id=alice_id,
            kind="gold",
            delta=-1,
            reason="draw",
            source_key=f"draw:{drawn[0]['draw_id']}",
        )
    )
    db.session.commit()
    redis.flushdb()
    assert runner.invoke(reconcile, ["test-draw"]).exit_code == 0
    chances = {
        tok: client.get("/api/v1/campaigns/test-draw/me", headers=auth(tok)).json["chances"]
        for tok in (alice, bob)
    }
    assert chances == {alice: {"gold": 3 - 2}, bob: {"gold": 3 - 1}}
    assert int(redis.hget(hotstate.person_key(campaign.id, alice_id), "d")) == 2


def test_a_key_used_for_another_write_conflicts_with_a_draw(client, db, token):
    publish(base_bundle())
    tok = token()
    assert client.post(JOIN, headers=auth(tok, "same"), json={}).status_code == 200
    refused = client.post(DRAW, headers=auth(tok, "same"), json={})
    assert refused.status_code == 409 and refused.json["code"] == "idempotency_conflict"
    assert client.post(DRAW, headers=auth(tok, "d-1"), json={}).status_code == 200
    share = client.post(
        "/api/v1/campaigns/test-draw/share",
        headers=auth(tok, "d-1"),
        json={"share_channel": "weibo"},
    )
    assert share.status_code == 409 and share.json["code"] == "idempotency_conflict"
    assert db.session.scalar(select(func.count(Draw.id))) == 1


def test_a_lost_redis_record_still_gives_one_draw_per_key(client, db, redis, token):
    chances = {"kinds": [{"key": "gold", "name": "金", "initial": 2}], "default_kind": "gold"}
    campaign = publish(base_bundle(chances=chances))
    tok = token()
    client.post(JOIN, headers=auth(tok), json={})
    first = client.post(DRAW, headers=auth(tok, "k-1"), json={})
    assert first.status_code == 200
    person = hotstate.person_key(campaign.id, db.session.scalar(select(Draw.participant_id)))
    db.session.rollback()
    assert len(list(redis.scan_iter("idem:*"))) == 1
    for attempt in range(2):
        redis.delete(*redis.scan_iter("idem:*"))  # Redis lost the answer
        again = client.post(DRAW, headers=auth(tok, "k-1"), json={})
        assert again.status_code == 200, again.json
        assert again.json["draw_id"] == first.json["draw_id"] and again.json["replayed"]
        assert again.json["prize"] == first.json["prize"]
        assert int(redis.hget(person, "ch:gold")) == 1, attempt  # the retry's take was undone
    # use up the last chance: a retry of k-1 is refused by Redis, yet answers with its draw
    assert client.post(DRAW, headers=auth(tok, "k-2"), json={}).status_code == 200
    redis.delete(*redis.scan_iter("idem:*"))
    late = client.post(DRAW, headers=auth(tok, "k-1"), json={})
    assert late.status_code == 200 and late.json["draw_id"] == first.json["draw_id"]
    redis.delete(*redis.scan_iter("idem:*"))
    other = client.post(DRAW, headers=auth(tok, "k-2"), json={"chance_kind": "gold"})
    assert other.status_code == 409 and other.json["code"] == "idempotency_conflict"
    assert db.session.scalar(select(func.count(Draw.id))) == 2
    wins = db.session.scalar(select(func.count(Draw.id)).where(Draw.prize_key == "iphone"))
    assert db.session.scalar(select(Prize.issued).where(Prize.key == "iphone")) == wins
    assert db.session.scalar(select(func.count(Reward.id))) == wins


def test_the_token_cache_honours_expiry_and_a_changed_channel(app, client, db, token, channel):
    from core.accounts import secret_for
    from runtime.loader import cache

    publish(base_bundle(chances={"kinds": [{"key": "gold", "name": "金", "initial": 9}]}))
    app.config["TOKEN_LEEWAY_SECONDS"] = 0
    short = jwt.encode(
        {"iss": channel.key, "sub": "alice", "exp": int(time.time()) + 2},
        secret_for(channel),
        algorithm="HS256",
    )
    assert client.post(JOIN, headers=auth(short), json={}).status_code == 200
    assert client.post(DRAW, headers=auth(short), json={}).status_code == 200
    assert client.post(DRAW, headers=auth(short), json={}).status_code == 200  # cached
    time.sleep(max(0.0, int(time.time()) + 2 - time.time()) + 1.1)
    expired = client.post(DRAW, headers=auth(short), json={})
    assert expired.status_code == 401 and expired.json["code"] == "invalid_token"
    tok = token("bob")
    client.post(JOIN, headers=auth(tok), json={})
    assert client.post(DRAW, headers=auth(tok), json={}).status_code == 200
    channel.active = False
    db.session.commit()
    cache().channels.clear()  # what CHANNEL_CACHE_SECONDS does to the channel lookup
    refused = client.post(DRAW, headers=auth(tok), json={})
    assert refused.status_code == 401
