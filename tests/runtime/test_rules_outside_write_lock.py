"""Rules are evaluated before a participant write opens its transaction, never while the
request holds SQLite's write lock (or, on PostgreSQL, a transaction that has written): one slow
condition must not stall every other campaign's writes."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from sqlalchemy import text

from core.accounts import secret_for
from core.extensions import db as database
from rules.compile import CompiledCampaign
from runtime.auth import sign_event
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "/api/v1/campaigns/test-draw"
CITY = {"all": [{"name": "city", "operator": "matches_regex", "value": "^Q"}]}
TRIGGERS = ("join", "share", "check_in", "vote", "lead", "referral", "draw", "transaction")


def write_locked() -> bool:
    """Does the request's database session hold write locks right now?"""
    engine = database.engine
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    session = database.session()
    if not session.in_transaction():
        return False
    xid = session.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar()
    return xid is not None  # a transaction gets an id when it first writes


@pytest.fixture
def evaluations(monkeypatch):
    """Record, for every rule evaluation, whether the write lock was held at that moment."""
    seen: list[tuple[str, bool]] = []
    run, audience = CompiledCampaign.run, CompiledCampaign.audience_allows

    def spy_run(self, trigger, variables):
        seen.append((trigger, write_locked()))
        return run(self, trigger, variables)

    def spy_audience(self, variables, participant_id, channel):
        seen.append(("audience", write_locked()))
        return audience(self, variables, participant_id, channel)

    monkeypatch.setattr(CompiledCampaign, "run", spy_run)
    monkeypatch.setattr(CompiledCampaign, "audience_allows", spy_audience)
    return seen


def test_no_rule_is_evaluated_holding_the_write_lock(client, token, channel, evaluations):
    rules = [
        {
            "id": f"r-{trigger}",
            "trigger": trigger,
            "conditions": CITY,
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
        }
        for trigger in TRIGGERS
    ]
    widget = {
        "type": "vote",
        "config": {"candidates": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]},
    }
    import widgets

    publish(
        widgets.apply_managed(
            base_bundle(
                rules=rules,
                audience={**base_bundle()["audience"], "conditions": CITY},
                widget=widget,
            )
        )
    )
    inviter, friend = token("inviter", {"city": "Qingdao"}), token("friend", {"city": "Qingdao"})
    code = client.post(f"{SLUG}/join", headers=auth(inviter), json={}).json["referral_code"]
    calls = [
        ("join", {"referral_code": code}),
        ("share", {"share_channel": "wechat_friend"}),
        ("check-in", None),
        ("votes", {"candidate": "a"}),
        ("leads", {"name": "张三", "phone": "13800000000", "consent_contact": True}),
        ("draw", {}),
    ]
    for path, body in calls:
        answer = client.post(f"{SLUG}/{path}", headers=auth(friend), json=body)
        assert answer.status_code in (200, 201), (path, answer.json)
    other = token("other", {"city": "Qingdao"})
    client.post(f"{SLUG}/join", headers=auth(other), json={})
    assert (
        client.post(f"{SLUG}/referrals", headers=auth(other), json={"code": code}).status_code
        == 200
    )
    event = {
        "event_id": "tx-1",
        "type": "transaction",
        "participant": "friend",
        "data": {"transaction_type": "transfer", "transaction_amount": 500},
    }
    raw, stamp = json.dumps(event).encode(), str(int(time.time()))
    signature, key = sign_event(secret_for(channel), stamp, raw), channel.key
    database.session.commit()  # reading the fixture's channel opened the (shared) test session
    headers = {
        "X-Studio-Channel": key,
        "X-Studio-Timestamp": stamp,
        "X-Studio-Signature": "sha256=" + signature,
        "Content-Type": "application/json",
    }
    assert client.post("/api/v1/events", data=raw, headers=headers).status_code == 200
    assert {trigger for trigger, _ in evaluations} >= {*TRIGGERS, "audience"}
    assert [e for e in evaluations if e[1]] == []
