"""Tampered tokens, unknown channels, idempotency, self-referral, replayed events: no gain."""

from __future__ import annotations

import json
import time

import jwt
from sqlalchemy import func, select

from core.models import ChanceEntry, Draw, Event
from runtime.auth import sign_event
from tests.factories import make_channel
from tests.runtime.conftest import auth, base_bundle, publish


def join(client, tok, **body):
    return client.post("/api/v1/campaigns/test-draw/join", headers=auth(tok), json=body)


def test_altered_expired_unsigned_and_unknown_channel_tokens_get_401(client, db, token, channel):
    publish(base_bundle())
    good = token("alice")
    header, payload, signature = good.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["sub"] = "mallory"
    forged_payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    altered = f"{header}.{forged_payload}.{signature}"
    from core.accounts import secret_for

    expired = jwt.encode(
        {"iss": channel.key, "sub": "alice", "exp": int(time.time()) - 60},
        secret_for(channel),
        algorithm="HS256",
    )
    unsigned = jwt.encode(
        {"iss": channel.key, "sub": "alice", "exp": int(time.time()) + 60}, None, algorithm="none"
    )
    unknown = jwt.encode(
        {"iss": "ch_nobody", "sub": "alice", "exp": int(time.time()) + 60},
        "whatever-secret-that-is-long-enough",
        algorithm="HS256",
    )
    no_exp = jwt.encode(
        {"iss": channel.key, "sub": "alice"}, secret_for(channel), algorithm="HS256"
    )
    other_channel, _ = make_channel("kiosk")
    wrong_key = jwt.encode(
        {"iss": channel.key, "sub": "alice", "exp": int(time.time()) + 60},
        secret_for(other_channel),
        algorithm="HS256",
    )
    db.session.commit()
    for bad in (altered, expired, unsigned, unknown, no_exp, wrong_key, "garbage"):
        for path in ("/api/v1/campaigns/test-draw/join", "/api/v1/campaigns/test-draw/draw"):
            response = client.post(path, headers=auth(bad), json={})
            assert response.status_code == 401, (bad, response.json)
            assert response.json["code"] == "invalid_token"
        assert client.get("/api/v1/me/rewards", headers=auth(bad)).status_code == 401
    assert client.post("/api/v1/campaigns/test-draw/draw", json={}).status_code == 401
    assert db.session.scalar(select(func.count(ChanceEntry.id))) == 0
    assert join(client, good).status_code == 200


def test_idempotency_key_replays_first_answer_and_refuses_other_body(client, db, token):
    publish(base_bundle())
    tok = token()
    join(client, tok)
    first = client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok, "key-1"), json={})
    again = client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok, "key-1"), json={})
    assert first.status_code == again.status_code == 200
    assert first.json == again.json
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post(
        "/api/v1/campaigns/test-draw/draw", headers=auth(tok, "key-1"), json={"chance_kind": "gold"}
    )
    assert other.status_code == 409 and other.json["code"] == "idempotency_conflict"
    assert db.session.scalar(select(func.count(Draw.id))) == 1
    # a refusal is an answer too: the same key keeps answering it
    for key in ("k2", "k3"):
        client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok, key), json={})
    refused = client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok, "k4"), json={})
    assert refused.status_code == 409 and refused.json["code"] == "no_chances"
    replayed = client.post("/api/v1/campaigns/test-draw/draw", headers=auth(tok, "k4"), json={})
    assert replayed.status_code == 409 and replayed.json["code"] == "no_chances"


def test_self_referral_and_double_referral_gain_nothing(client, db, token):
    rules = [
        {
            "id": "invite-bonus",
            "trigger": "referral",
            "conditions": None,
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 2}}],
        }
    ]
    publish(base_bundle(rules=rules))
    alice, bob = token("alice"), token("bob")
    code = join(client, alice).json["referral_code"]
    own = client.post(
        "/api/v1/campaigns/test-draw/referrals", headers=auth(alice), json={"code": code}
    )
    assert own.status_code == 422 and own.json["code"] == "self_referral"
    assert join(client, bob).status_code == 200
    first = client.post(
        "/api/v1/campaigns/test-draw/referrals", headers=auth(bob), json={"code": code}
    )
    assert first.status_code == 200, first.json
    second = client.post(
        "/api/v1/campaigns/test-draw/referrals", headers=auth(bob), json={"code": code}
    )
    assert second.status_code == 409 and second.json["code"] == "already_referred"
    me = client.get("/api/v1/campaigns/test-draw/me", headers=auth(alice)).json
    assert me["chances"]["gold"] == 3 + 2


def test_inviter_bonus_on_join_with_code(client, token):
    rules = [
        {
            "id": "invite-bonus",
            "trigger": "referral",
            "conditions": None,
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
        }
    ]
    publish(base_bundle(rules=rules))
    alice = token("alice")
    code = join(client, alice).json["referral_code"]
    for name in ("bob", "carol"):
        assert join(client, token(name), referral_code=code).status_code == 200
    me = client.get("/api/v1/campaigns/test-draw/me", headers=auth(alice)).json
    assert me["chances"]["gold"] == 3 + 2
    bad = join(client, token("dave"), referral_code="NOPE1234")
    assert bad.status_code == 422 and bad.json["errors"][0]["path"] == "referral_code"


def test_referral_rules_count_the_referral_being_made(client, token):
    """docs/rules.md: "referrals_total equal_to 5" fires on the fifth friend (seed 004's
    gift box for five invitations), not on the sixth."""
    rules = [
        {
            "id": "fifth-friend",
            "trigger": "referral",
            "conditions": {
                "all": [{"name": "referrals_total", "operator": "equal_to", "value": 2}]
            },
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 10}}],
        }
    ]
    publish(base_bundle(rules=rules))
    alice = token("alice")
    code = join(client, alice).json["referral_code"]
    chances = []
    for name in ("bob", "carol", "dave"):
        assert join(client, token(name), referral_code=code).status_code == 200
        me = client.get("/api/v1/campaigns/test-draw/me", headers=auth(alice)).json
        chances.append(me["chances"]["gold"])
    assert chances == [3, 13, 13]


def _event(
    client,
    channel_key: str,
    secret: str,
    body: dict,
    stamp: int | None = None,
    signature: str | None = None,
):
    raw = json.dumps(body).encode()
    stamp = str(stamp or int(time.time()))
    headers = {
        "X-Studio-Channel": channel_key,
        "X-Studio-Timestamp": stamp,
        "X-Studio-Signature": signature or "sha256=" + sign_event(secret, stamp, raw),
        "Content-Type": "application/json",
    }
    return client.post("/api/v1/events", data=raw, headers=headers)


def test_transaction_event_grants_once_and_replay_is_ignored(client, db, token, channel):
    from core.accounts import secret_for

    rules = [
        {
            "id": "after-transfer",
            "trigger": "transaction",
            "conditions": {
                "all": [
                    {
                        "name": "transaction_amount",
                        "operator": "greater_than_or_equal_to",
                        "value": 100,
                    }
                ]
            },
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
        }
    ]
    publish(base_bundle(rules=rules))
    tok = token("alice")
    join(client, tok)
    secret = secret_for(channel)
    body = {
        "event_id": "tx-1",
        "type": "transaction",
        "participant": "alice",
        "data": {"transaction_type": "transfer", "transaction_amount": 500},
    }
    first = _event(client, channel.key, secret, body)
    assert first.status_code == 200 and first.json["duplicate"] is False
    assert first.json["campaigns"][0]["granted"] == {"gold": 1}
    again = _event(client, channel.key, secret, body)
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert (
        _event(client, channel.key, secret, body, stamp=int(time.time()) - 3600).status_code == 401
    )
    assert (
        _event(
            client,
            channel.key,
            secret,
            {**body, "event_id": "tx-2"},
            signature="sha256=" + "0" * 64,
        ).status_code
        == 401
    )
    small = _event(
        client, channel.key, secret, {**body, "event_id": "tx-3", "data": {"transaction_amount": 5}}
    )
    assert small.json["campaigns"][0]["granted"] == {}
    me = client.get("/api/v1/campaigns/test-draw/me", headers=auth(tok)).json
    assert me["chances"]["gold"] == 4
    assert db.session.scalar(select(func.count(Event.id))) == 2
