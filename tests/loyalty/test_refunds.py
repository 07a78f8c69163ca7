"""A failed (or cancelled) exchange part gives its points back exactly once, with the expiry
they had, returns its unit to stock, and is shown as refunded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.models import ExchangePart, MallStock, PointsEntry, Reward, utcnow
from runtime.issuance import coupons, dead_letters
from runtime.issuance.loop import IssuanceLoop
from runtime.loyalty.refunds import refund_failed
from tests.loyalty.helpers import API, balance, credit, exchange, join, publish_mall
from tests.runtime.conftest import auth

COUPON = {
    "key": "credit",
    "name": "话费券",
    "price": 100,
    "stock": 10,
    "per_person_limit": 5,
    "max_quantity": 3,
    "reward": {"kind": "coupon_code", "pool": "mall-pool"},
}


def upload(db, count: int) -> None:
    coupons.upload_codes(db.session, "mall-pool", "\n".join(f"C-{i}" for i in range(count)))
    db.session.commit()


def fail_fast(db) -> None:
    """Rewards give up at their first failed attempt (no retries to wait for)."""
    db.session.execute(update(Reward).values(max_attempts=1))
    db.session.commit()


def refunds(db) -> list[PointsEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(PointsEntry).where(PointsEntry.source_key.like("refund:%")))
    )


def test_a_failed_part_is_refunded_once_and_shown(app, client, db, token):
    cid = publish_mall([COUPON]).id
    upload(db, 2)
    tok = token("unlucky")
    pid = join(client, tok)
    credit(pid, 500, cid, "s:1")
    answer = exchange(client, tok, "credit", quantity=3).json
    assert answer["points"] == 300 and balance(pid, cid) == 200
    fail_fast(db)
    IssuanceLoop(app).run(burst=True)  # two codes for three parts: one part fails

    history = client.get(f"{API}/exchanges", headers=auth(tok)).json["exchanges"][0]
    statuses = sorted(p["status"] for p in history["parts"])
    assert statuses == ["issued", "issued", "refunded"]
    assert history["status"] == "partly_refunded" and history["refunded_points"] == 100
    assert balance(pid, cid) == 300
    [entry] = refunds(db)
    failed = next(p for p in history["parts"] if p["status"] == "refunded")
    assert entry.delta == 100 and entry.reward_id == failed["reward_id"]
    assert db.session.get(Reward, failed["reward_id"]).status == "cancelled"
    assert db.session.scalar(select(MallStock.taken)) == 2  # the unit went back
    mine = client.get(f"{API}/mall", headers=auth(tok)).json["items"][0]["mine"]
    assert mine["total"] == 2  # a refunded part does not count against the limit

    # again, from every path: nothing more
    assert refund_failed(db.session) == 0
    assert refund_failed(db.session, [failed["reward_id"]]) == 0
    IssuanceLoop(app).run(burst=True)
    assert len(refunds(db)) == 1 and balance(pid, cid) == 300
    with pytest.raises(dead_letters.RewardStateError):
        dead_letters.retry(failed["reward_id"])  # what was paid back cannot be issued too


def test_the_refund_keeps_the_expiry_the_points_had(app, client, db, token):
    cid = publish_mall([COUPON]).id
    tok = token("expiring")
    pid = join(client, tok)
    soon = utcnow() + timedelta(days=2)
    credit(pid, 100, cid, "soon", soon)
    credit(pid, 100, cid, "never")
    exchange(client, tok, "credit")
    fail_fast(db)
    IssuanceLoop(app).run(burst=True)  # no codes at all
    [entry] = refunds(db)
    assert entry.delta == 100 and entry.expires_at == soon
    assert balance(pid, cid) == 200


def test_a_staff_cancel_refunds_the_part(app, client, db, token):
    cid = publish_mall([COUPON]).id
    tok = token("cancelled")
    pid = join(client, tok)
    credit(pid, 100, cid, "s:2")
    reward_id = exchange(client, tok, "credit").json["parts"][0]["reward_id"]
    assert balance(pid, cid) == 0
    dead_letters.cancel(reward_id, actor_label="test", reason="partner withdrew the right")
    assert balance(pid, cid) == 100
    history = client.get(f"{API}/exchanges", headers=auth(tok)).json["exchanges"][0]
    assert history["status"] == "refunded" and history["refunded_points"] == 100
    assert db.session.scalar(select(func.count(ExchangePart.id))) == 1


def test_a_retried_reward_is_not_refunded(app, client, db, token):
    cid = publish_mall([COUPON]).id
    tok = token("retried")
    pid = join(client, tok)
    credit(pid, 100, cid, "s:3")
    reward_id = exchange(client, tok, "credit").json["parts"][0]["reward_id"]
    db.session.execute(update(Reward).values(status="failed"))
    db.session.commit()
    dead_letters.retry(reward_id)  # staff retried before any refund ran
    assert refund_failed(db.session) == 0
    upload(db, 1)
    IssuanceLoop(app).run(burst=True)
    assert db.session.get(Reward, reward_id).status == "issued"
    assert refunds(db) == [] and balance(pid, cid) == 0
