"""Invariants under real concurrency: gunicorn processes serving, client processes drawing."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from core.models import Draw, Prize, Reward
from runtime import hotstate
from tests.runtime.conftest import auth, base_bundle, publish
from tests.runtime.loadclient import run_calls

pytestmark = pytest.mark.slow


def join_all(base: str, slug: str, tokens: list[str]) -> None:
    calls = [{"url": f"{base}/api/v1/campaigns/{slug}/join", "headers": auth(t)} for t in tokens]
    statuses = Counter(status for status, _ in run_calls(calls, processes=2, threads=16))
    assert statuses == {200: len(tokens)}, statuses


def draw_calls(base: str, slug: str, tokens: list[str], per_token: int) -> list[dict]:
    return [
        {"url": f"{base}/api/v1/campaigns/{slug}/draw", "headers": auth(t)}
        for t in tokens
        for _ in range(per_token)
    ]


def test_1000_concurrent_draws_never_exceed_stock_300(live_server, db, redis, token):
    prizes = [
        {
            "key": "iphone",
            "name": "iPhone",
            "weight": 1,
            "stock": 300,
            "reward": {"kind": "physical"},
        },
        {
            "key": "thanks",
            "name": "谢谢",
            "weight": 0,
            "fallback": True,
            "reward": {"kind": "none"},
        },
    ]
    chances = {"kinds": [{"key": "gold", "name": "金", "initial": 5}], "default_kind": "gold"}
    campaign = publish(base_bundle(prizes=prizes, chances=chances))
    tokens = [token(f"c{i}") for i in range(200)]
    base = live_server(workers=3, threads=8)
    join_all(base, "test-draw", tokens)
    results = run_calls(draw_calls(base, "test-draw", tokens, 5), processes=4, threads=16)
    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1000}, statuses
    won = sum(1 for _, body in results if body["won"] and body["prize"]["key"] == "iphone")
    assert won == 300
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Draw.id)).where(Draw.prize_key == "iphone")) == 300
    assert db.session.scalar(select(func.count(Reward.id))) == 300
    iphone = db.session.scalar(select(Prize).where(Prize.key == "iphone"))
    assert iphone.issued == 300
    assert int(redis.hget(hotstate.stock_key(campaign.id), "iphone")) == 0


def test_50_concurrent_draws_by_one_person_respect_the_daily_limit(live_server, db, token):
    chances = {"kinds": [{"key": "gold", "name": "金", "initial": 50}], "default_kind": "gold"}
    publish(base_bundle(chances=chances, limits={"per_person": {"draws_per_day": 5}}))
    tok = token("heavy-user")
    base = live_server(workers=3, threads=8)
    join_all(base, "test-draw", [tok])
    results = run_calls(draw_calls(base, "test-draw", [tok], 50), processes=2, threads=25)
    statuses = Counter((status, body.get("code")) for status, body in results)
    assert statuses == {(200, None): 5, (409, "quota_exceeded"): 45}, statuses
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Draw.id))) == 5


def test_branch_quota_holds_under_concurrency(live_server, db, token):
    prizes = [
        {
            "key": "iphone",
            "name": "iPhone",
            "weight": 1,
            "stock": 1000,
            "reward": {"kind": "physical"},
        },
        {
            "key": "thanks",
            "name": "谢谢",
            "weight": 0,
            "fallback": True,
            "reward": {"kind": "none"},
        },
    ]
    limits = {"per_person": {}, "branch_quotas": {"BR1": 7, "BR2": 3}}
    publish(base_bundle(prizes=prizes, limits=limits))
    tokens = [token(f"b{i}", {"branch": "BR1" if i % 2 else "BR2"}) for i in range(60)]
    base = live_server(workers=3, threads=8)
    join_all(base, "test-draw", tokens)
    results = run_calls(draw_calls(base, "test-draw", tokens, 3), processes=4, threads=16)
    assert Counter(status for status, _ in results) == {200: 180}
    db.session.expire_all()
    rows = db.session.execute(
        select(Draw.branch_code, func.count(Draw.id))
        .where(Draw.won.is_(True))
        .group_by(Draw.branch_code)
    ).all()
    assert dict(rows) == {"BR1": 7, "BR2": 3}


def test_same_idempotency_key_100_times_concurrently_draws_once(live_server, db, token):
    publish(base_bundle())
    tok = token("retry-storm")
    base = live_server(workers=3, threads=8)
    join_all(base, "test-draw", [tok])
    calls = [
        {"url": f"{base}/api/v1/campaigns/test-draw/draw", "headers": auth(tok, "k-1")}
        for _ in range(100)
    ]
    results = run_calls(calls, processes=4, threads=25)
    assert Counter(status for status, _ in results) == {200: 100}
    assert len({body["draw_id"] for _, body in results}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Draw.id))) == 1
