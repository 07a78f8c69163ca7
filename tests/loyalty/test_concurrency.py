"""The mall and tasks under real concurrency: gunicorn processes serving, client processes
exchanging, refund processes racing each other and a staff retry."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import func, select, update

from core.models import (
    ChanceEntry,
    Exchange,
    ExchangePart,
    MallStock,
    Participant,
    PointsEntry,
    Reward,
    TaskCompletion,
    utcnow,
)
from runtime.issuance import points
from tests.conftest import REPO_ROOT, server_environment
from tests.loyalty.helpers import (
    BADGE_EVENTS,
    FIVE_BADGES,
    NO_CHANCES,
    THIRD_BADGE_UNLOCKS_A_DRAW,
    balance,
    credit,
    event_request,
    join,
    publish_mall,
)
from tests.runtime.conftest import auth, base_bundle, publish
from tests.runtime.loadclient import run_calls

pytestmark = pytest.mark.slow
ITEM = {"key": "right", "name": "权益", "price": 100, "reward": {"kind": "none"}}


def exchange_calls(base: str, tokens: list[str], per_token: int = 1, key=None) -> list[dict]:
    return [
        {
            "url": f"{base}/api/v1/campaigns/mall-test/exchanges",
            "headers": auth(t, key(t, n) if key else None),
            "json": {"item": "right"},
        }
        for t in tokens
        for n in range(per_token)
    ]


def count(db, model) -> int:
    db.session.expire_all()
    value = db.session.scalar(select(func.count(model.id)))
    db.session.commit()
    return value


def test_100_simultaneous_exchanges_by_one_person_whose_points_cover_3(
    client, live_server, db, token
):
    cid = publish_mall([ITEM]).id
    tok = token("eager")
    pid = join(client, tok)
    credit(pid, 300, cid, "staff:eager")
    base = live_server(workers=3, threads=8)
    keys = lambda t, n: f"k-{n}"  # noqa: E731 - a fresh key per request
    results = run_calls(exchange_calls(base, [tok], 100, keys), processes=4, threads=25)
    statuses = Counter((status, body.get("code")) for status, body in results)
    assert statuses == {(200, None): 3, (409, "insufficient_points"): 97}, statuses
    assert count(db, Exchange) == 3 and count(db, Reward) == 3
    assert balance(pid, cid) == 0
    spent = db.session.scalars(select(PointsEntry.delta).where(PointsEntry.kind == "spend"))
    assert sorted(spent) == [-100, -100, -100]


def test_500_people_racing_for_a_stock_of_50_get_exactly_50(client, live_server, db, token):
    cid = publish_mall([{**ITEM, "stock": 50}]).id
    tokens = [token(f"racer-{i}") for i in range(500)]
    base = live_server(workers=3, threads=8)
    joins = [{"url": f"{base}/api/v1/campaigns/mall-test/join", "headers": auth(t)} for t in tokens]
    assert Counter(s for s, _ in run_calls(joins, processes=4, threads=16)) == {200: 500}
    ids = db.session.scalars(select(Participant.id)).all()
    now = utcnow()
    credits = [points.Credit(p, 100, f"staff:{p}", kind="staff", campaign_id=cid) for p in ids]
    points.credit_many(db.session, credits, now)
    db.session.commit()
    results = run_calls(exchange_calls(base, tokens), processes=4, threads=32)
    statuses = Counter((status, body.get("code")) for status, body in results)
    assert statuses == {(200, None): 50, (409, "sold_out"): 450}, statuses
    assert count(db, Exchange) == 50 and count(db, Reward) == 50
    assert db.session.scalar(select(MallStock.taken)) == 50
    winners = {body["exchange_id"] for status, body in results if status == 200}
    assert len(winners) == 50
    spent = db.session.scalar(
        select(func.sum(PointsEntry.delta)).where(PointsEntry.kind == "spend")
    )
    assert spent == -5000


def test_the_same_idempotency_key_100_times_at_once_exchanges_once(client, live_server, db, token):
    cid = publish_mall([ITEM]).id
    tok = token("storm")
    pid = join(client, tok)
    credit(pid, 1000, cid, "staff:storm")
    base = live_server(workers=3, threads=8)
    same = lambda t, n: "one-key"  # noqa: E731
    results = run_calls(exchange_calls(base, [tok], 100, same), processes=4, threads=25)
    assert Counter(status for status, _ in results) == {200: 100}
    assert len({body["exchange_id"] for _, body in results}) == 1
    assert count(db, Exchange) == 1 and balance(pid, cid) == 900


def test_failed_parts_are_refunded_exactly_once_by_racing_processes(
    client, app_config, db, token, tmp_path
):
    """Four refund processes and a staff retry process start at the same instant on the
    same 30 failed parts: each part ends refunded once, or retried and not refunded."""
    cid = publish_mall([{**ITEM, "max_quantity": 3}]).id
    people = []
    for i in range(10):
        tok = token(f"refund-{i}")
        pid = join(client, tok)
        credit(pid, 300, cid, f"staff:refund-{i}")
        answer = client.post(
            "/api/v1/campaigns/mall-test/exchanges",
            headers=auth(tok),
            json={"item": "right", "quantity": 3},
        )
        assert answer.status_code == 200
        people.append(pid)
    db.session.execute(update(Reward).values(status="failed", last_error="partner down"))
    db.session.commit()
    reward_ids = db.session.scalars(select(Reward.id).order_by(Reward.id)).all()
    db.session.commit()  # hold no lock while the workers run
    go = tmp_path / "go"
    workers = [("refund", [])] * 4 + [("retry", reward_ids[::2])]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.loyalty.refund_worker", action, str(go)]
            + [str(i) for i in ids],
            cwd=REPO_ROOT,
            env=server_environment(app_config),
            stdout=subprocess.PIPE,
            text=True,
        )
        for action, ids in workers
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    go.touch()
    for process in processes:
        assert process.wait(120) == 0

    db.session.expire_all()
    refunds = db.session.execute(
        select(PointsEntry.reward_id, func.count(), func.sum(PointsEntry.delta))
        .where(PointsEntry.source_key.like("refund:%"))
        .group_by(PointsEntry.reward_id)
    ).all()
    assert all(n == 1 and total == 100 for _, n, total in refunds), refunds
    refunded = {reward_id for reward_id, _, _ in refunds}
    statuses = dict(db.session.execute(select(Reward.id, Reward.status)).all())
    for reward_id in reward_ids:
        if reward_id in refunded:
            assert statuses[reward_id] == "cancelled"
        else:
            assert statuses[reward_id] == "pending"  # retried by staff first: not refunded
    parts = dict(db.session.execute(select(ExchangePart.reward_id, ExchangePart.refunded_at)).all())
    assert {r for r, at in parts.items() if at is not None} == refunded
    assert len(refunded) >= len(reward_ids) // 2  # the parts nobody retried were all refunded
    total = sum(balance(pid, cid) for pid in people)
    assert total == 100 * len(refunded)
    assert db.session.scalar(select(MallStock.taken)) == len(reward_ids) - len(refunded)


def test_badges_earned_at_once_count_the_third_exactly_once(
    client, live_server, db, token, channel
):
    publish(base_bundle(tasks=FIVE_BADGES, chances=NO_CHANCES, rules=[THIRD_BADGE_UNLOCKS_A_DRAW]))
    tok = token("busy")
    join(client, tok, "/api/v1/campaigns/test-draw")
    base = live_server(workers=3, threads=8)
    calls = []
    for n, badge in enumerate(["debit", "credit", "epay", "fund", "wealth"] * 2):
        kind, data = BADGE_EVENTS[badge]
        raw, headers = event_request(
            channel, {"event_id": f"b-{n}", "type": kind, "participant": "busy", "data": data}
        )
        calls.append({"url": f"{base}/api/v1/events", "headers": headers, "data": raw})
    db.session.commit()  # signing read the channel: hold no lock while the server works
    results = run_calls(calls, processes=2, threads=5)
    assert Counter(status for status, _ in results) == {200: 10}, results
    db.session.expire_all()
    ordinals = db.session.scalars(select(TaskCompletion.badge_ordinal)).all()
    assert sorted(ordinals) == [1, 2, 3, 4, 5]
    grants = db.session.scalars(select(ChanceEntry.delta).where(ChanceEntry.reason == "rule"))
    assert list(grants) == [1]
    me = client.get("/api/v1/campaigns/test-draw/me", headers=auth(tok)).json
    assert me["chances"]["gold"] == 1
