"""Reconcile while draws run: it waits for draws between Redis and the ledger (flights), new
writes wait behind its fence, it never takes SQLite's write lock, and a draw the stock CHECK
refuses answers 409 `sold_out` (never 500) with its chance given back."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text

from core.models import Prize
from runtime import flights, hotstate
from runtime.reconcile import reconcile
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "/api/v1/campaigns/test-draw"
PRIZES = [
    {"key": "iphone", "name": "iPhone", "weight": 1, "stock": 3, "reward": {"kind": "physical"}},
    {"key": "thanks", "name": "谢谢", "weight": 0, "fallback": True, "reward": {"kind": "none"}},
]


@contextmanager
def ledger_writes_blocked(db):
    """Hold the draws' SQL write from another connection: SQLite's write gate (the flock every
    draw takes before BEGIN IMMEDIATE) or, on PostgreSQL, the prize rows' locks."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        fd = os.open(engine.url.database + ".writelock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT id FROM prizes FOR UPDATE"))
        yield
        connection.rollback()


def draw_in_thread(app, tok: str, answers: list) -> threading.Thread:
    def run() -> None:
        response = app.test_client().post(f"{SLUG}/draw", headers=auth(tok), json={})
        answers.append((response.status_code, response.get_json(), response.headers))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def reconcile_in_thread(app, results: list) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            results.extend(reconcile("test-draw"))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def joined(client, token, names: list[str]) -> list[str]:
    tokens = [token(name) for name in names]
    for tok in tokens:
        assert client.post(f"{SLUG}/join", headers=auth(tok), json={}).status_code == 200
    client.application.extensions["sqlalchemy"].session.commit()  # the test client shares it
    return tokens


def stock_invariant(db, redis, campaign_id: int) -> tuple[int, int]:
    db.session.expire_all()
    issued = db.session.scalar(select(Prize.issued).where(Prize.key == "iphone"))
    db.session.commit()
    return int(redis.hget(hotstate.stock_key(campaign_id), "iphone")), issued


def test_reconcile_waits_for_draws_between_redis_and_the_ledger(app, client, db, redis, token):
    cid = publish(base_bundle(prizes=PRIZES)).id
    tokens = joined(client, token, ["a", "b"])
    answers: list = []
    result: list = []
    with ledger_writes_blocked(db):
        draws = [draw_in_thread(app, tok, answers) for tok in tokens]
        wait_for(lambda: stock_invariant(db, redis, cid) == (1, 0))  # taken in Redis only
        worker = reconcile_in_thread(app, result)
        time.sleep(0.5)
        assert worker.is_alive(), "reconcile read the ledger while two draws were in flight"
    for thread in [*draws, worker]:
        thread.join(20)
    assert [status for status, _, _ in answers] == [200, 200]
    assert "skipped" not in result[0]
    assert stock_invariant(db, redis, cid) == (1, 2)  # redis + issued == 3


def test_reconcile_skips_a_campaign_whose_writes_do_not_land(
    app, client, db, redis, token, monkeypatch
):
    cid = publish(base_bundle(prizes=PRIZES)).id
    (tok,) = joined(client, token, ["a"])
    monkeypatch.setattr(flights, "DRAIN_SECONDS", 0.3)
    answers: list = []
    with ledger_writes_blocked(db):
        thread = draw_in_thread(app, tok, answers)
        wait_for(lambda: redis.zcard(hotstate.flights_key(cid)) == 1)
        (result,) = reconcile("test-draw")
        assert result["skipped"]
        assert not redis.exists(hotstate.fence_key(cid))  # the fence is lowered
    thread.join(20)
    assert answers[0][0] == 200
    assert stock_invariant(db, redis, cid) == (2, 1)
    assert "skipped" not in reconcile("test-draw")[0]
    assert stock_invariant(db, redis, cid) == (2, 1)


def test_writes_wait_behind_the_fence_then_answer_503_with_retry_after(
    app, client, db, redis, token, monkeypatch
):
    cid = publish(base_bundle(prizes=PRIZES)).id
    first, second = joined(client, token, ["a", "b"])
    answers: list = []
    with flights.fenced(cid) as fence:
        assert fence is not None
        thread = draw_in_thread(app, first, answers)
        time.sleep(0.3)
        assert thread.is_alive() and not answers  # waiting behind the fence
    thread.join(10)
    assert answers[0][0] == 200
    monkeypatch.setattr(flights, "FENCE_WAIT_SECONDS", 0.2)
    with flights.fenced(cid):
        refused = client.post(f"{SLUG}/draw", headers=auth(second), json={})
        share = client.post(f"{SLUG}/share", headers=auth(second), json={"share_channel": "qq"})
    for answer in (refused, share):
        assert answer.status_code == 503, answer.json
        assert answer.json["code"] == "unavailable" and answer.headers["Retry-After"] == "1"
        assert answer.mimetype == "application/problem+json"
    assert client.get(f"{SLUG}/me", headers=auth(second)).json["chances"]["gold"] == 3


def test_reconcile_reads_without_sqlite_write_lock(app, client, db, redis, token):
    cid = publish(base_bundle(prizes=PRIZES)).id
    joined(client, token, ["a"])
    db.session.commit()
    done: list = []
    if db.engine.dialect.name == "sqlite":
        blocker = sqlite3.connect(db.engine.url.database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the write lock throughout
    else:
        blocker = None
    try:
        reconcile_in_thread(app, done).join(10)
        assert done and "skipped" not in done[0], "reconcile waited for the write lock"
    finally:
        if blocker is not None:
            blocker.execute("ROLLBACK")
            blocker.close()
    assert stock_invariant(db, redis, cid) == (3, 0)


def test_a_draw_the_stock_check_refuses_answers_409_and_heals_redis(client, db, redis, token):
    cid = publish(base_bundle(prizes=PRIZES)).id
    db.session.execute(Prize.__table__.update().values(issued=3))  # the ledger: sold out
    db.session.commit()
    (tok,) = joined(client, token, ["a"])
    redis.hset(hotstate.stock_key(cid), "iphone", 2)  # Redis drifted: 2 "left"
    answers = [client.post(f"{SLUG}/draw", headers=auth(tok), json={}) for _ in range(3)]
    assert [a.status_code for a in answers] == [409, 409, 200]
    assert {a.json["code"] for a in answers[:2]} == {"sold_out"}
    assert answers[2].json["prize"]["key"] == "thanks"  # Redis learned the truth: fallback
    assert int(redis.hget(hotstate.stock_key(cid), "iphone")) == 0
    me = client.get(f"{SLUG}/me", headers=auth(tok)).json
    assert me["chances"]["gold"] == 2 and me["draws"] == 1  # refused draws cost nothing
    assert not redis.exists(hotstate.flights_key(cid))


def test_reconcile_keeps_what_the_ledger_cannot_rebuild(client, db, redis, token):
    cid = publish(base_bundle(prizes=PRIZES)).id
    (tok,) = joined(client, token, ["a"])
    client.post(f"{SLUG}/draw", headers=auth(tok), json={})
    key = next(redis.scan_iter(f"{hotstate.prefix(cid)}:p:*"))
    redis.hset(key, mapping={"guarantee": "iphone", "tags": '["vip"]', "ch:gold": 99, "x:y": 1})
    reconcile("test-draw")
    person = redis.hgetall(key)
    assert person["guarantee"] == "iphone" and person["tags"] == '["vip"]'
    assert person["ch:gold"] == "2" and person["d"] == "1"  # rebuilt from the ledger
    assert person["x:y"] == "1"


@pytest.mark.parametrize("field", ["d", "dg:gold:2024-01-01", "wp:iphone", "v:2024-01-01"])
def test_derived_fields(field):
    from runtime.reconcile import is_derived

    assert is_derived(field) is (field.split(":")[0] in ("d", "wp"))
