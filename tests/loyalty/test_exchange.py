"""Exchanging points for a mall right: one transaction that debits the ledger (oldest-expiring
points first, never expired ones), takes stock and writes the rewards; refusals name the
reason and leave nothing behind."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.models import Exchange, ExchangePart, MallStock, PointsEntry, Reward, utcnow
from runtime.issuance.loop import IssuanceLoop
from tests.loyalty.helpers import (
    API,
    balance,
    credit,
    exchange,
    join,
    mall_bundle,
    publish_mall,
)
from tests.runtime.conftest import auth, publish


def stock_taken(db, item: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(MallStock.taken).where(MallStock.item_key == item))


def test_an_exchange_debits_takes_stock_and_writes_the_reward(app, client, db, token):
    campaign = publish_mall()
    tok = token("buyer")
    pid = join(client, tok)
    credit(pid, 250, campaign.id, "staff:1")
    answer = exchange(client, tok, "phone-10", "k-1")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["points"] == 100 and body["balance"] == 150 and body["status"] == "issuing"
    assert [p["status"] for p in body["parts"]] == ["issuing"]
    assert balance(pid, campaign.id) == 150 and stock_taken(db, "phone-10") == 1
    reward = db.session.get(Reward, body["parts"][0]["reward_id"])
    assert reward.kind == "physical" and reward.status == "pending"
    assert reward.payload["prize_name"] == "10元话费" and reward.payload["valid_days"] == 30
    assert reward.payload["message"] == "话费已充值到您的手机"
    spend = db.session.scalar(select(PointsEntry).where(PointsEntry.kind == "spend"))
    assert spend.delta == -100 and spend.source_key == f"exchange:{body['exchange_id']}"

    db.session.commit()
    IssuanceLoop(app).run(burst=True)
    history = client.get(f"{API}/exchanges", headers=auth(tok)).json["exchanges"]
    assert [(h["exchange_id"], h["status"]) for h in history] == [(body["exchange_id"], "issued")]
    assert history[0]["parts"][0]["result"] is not None
    mall = client.get(f"{API}/mall", headers=auth(tok)).json
    phone = next(i for i in mall["items"] if i["key"] == "phone-10")
    assert mall["balance"] == 150 and phone["stock_left"] == 49
    assert phone["mine"] == {"total": 1, "today": 1, "can_take": 49}
    assert "reward" in phone and "physical" == phone["reward"]["kind"]


def test_refusals_name_the_reason_and_change_nothing(client, db, token):
    campaign = publish_mall(
        [
            {"key": "rare", "name": "稀有", "price": 10, "stock": 1, "reward": {"kind": "none"}},
            {
                "key": "daily",
                "name": "每日",
                "price": 10,
                "per_person_limit": 3,
                "per_day_limit": 1,
                "reward": {"kind": "none"},
            },
            {"key": "dear", "name": "昂贵", "price": 1000, "reward": {"kind": "none"}},
        ]
    )
    tok, other = token("a"), token("b")
    pid, other_pid = join(client, tok), join(client, other)
    credit(pid, 100, campaign.id, "s:a")
    credit(other_pid, 100, campaign.id, "s:b")

    poor = exchange(client, tok, "dear")
    assert poor.status_code == 409 and poor.json["code"] == "insufficient_points"
    assert poor.json["balance"] == 100 and poor.json["price"] == 1000
    assert exchange(client, tok, "rare").status_code == 200
    sold = exchange(client, other, "rare")
    assert sold.status_code == 409 and sold.json["code"] == "sold_out"
    assert exchange(client, tok, "daily").status_code == 200
    again = exchange(client, tok, "daily")
    assert again.status_code == 409 and again.json["code"] == "limit_reached"
    assert again.json["limit"] == "per_day" and again.json["left"] == 0
    for body, path in (
        ({"item": "nothing"}, "item"),
        ({"item": "rare", "choice": "x"}, "choice"),
        ({"item": "rare", "quantity": 2}, "quantity"),
        ({"item": "rare", "quantity": 0}, "quantity"),
    ):
        bad = client.post(f"{API}/exchanges", headers=auth(tok), json=body)
        assert bad.status_code == 422 and bad.json["errors"][0]["path"] == path, bad.json
    # only the two accepted exchanges left a trace
    assert balance(pid, campaign.id) == 80 and balance(other_pid, campaign.id) == 100
    assert db.session.scalar(select(func.count(Exchange.id))) == 2
    assert db.session.scalar(select(func.count(Reward.id))) == 2
    assert stock_taken(db, "rare") == 1


def test_the_per_person_limit_counts_every_day(client, db, token):
    item = {
        "key": "capped",
        "name": "限兑",
        "price": 1,
        "per_person_limit": 2,
        "max_quantity": 5,
        "reward": {"kind": "none"},
    }
    campaign = publish_mall([item])
    tok = token("capped")
    pid = join(client, tok)
    credit(pid, 100, campaign.id, "s:c")
    too_many = exchange(client, tok, "capped", quantity=3)
    assert too_many.status_code == 409 and too_many.json["limit"] == "per_person"
    assert too_many.json["left"] == 2
    assert exchange(client, tok, "capped", quantity=2).status_code == 200
    assert exchange(client, tok, "capped").json["code"] == "limit_reached"


def test_selectable_and_splittable_rights(client, db, token):
    campaign = publish_mall()
    tok = token("chooser")
    pid = join(client, tok)
    credit(pid, 1000, campaign.id, "s:d")
    missing = exchange(client, tok, "video")
    assert missing.status_code == 422 and missing.json["errors"][0]["path"] == "choice"
    chosen = exchange(client, tok, "video", choice="iqiyi").json
    reward = db.session.get(Reward, chosen["parts"][0]["reward_id"])
    assert reward.kind == "webhook" and reward.payload["sku"] == "IQ-1M"
    assert chosen["name"] == "视频会员月卡 · 爱奇艺" and chosen["choice"] == "iqiyi"
    parts = exchange(client, tok, "fuel", quantity=4).json
    assert parts["points"] == 200 and parts["quantity"] == 4
    assert [p["part"] for p in parts["parts"]] == [0, 1, 2, 3]
    assert stock_taken(db, "fuel") == 4
    assert balance(pid, campaign.id) == 1000 - 300 - 200
    assert db.session.scalar(select(func.count(ExchangePart.id))) == 5


def test_oldest_expiring_points_go_first_and_expired_points_not_at_all(client, db, token):
    campaign = publish_mall([{"key": "p", "name": "P", "price": 150, "reward": {"kind": "none"}}])
    tok = token("saver")
    pid = join(client, tok)
    now = utcnow()
    credit(pid, 100, campaign.id, "never", None)
    credit(pid, 100, campaign.id, "late", now + timedelta(days=30))
    credit(pid, 100, campaign.id, "soon", now + timedelta(days=1))
    credit(pid, 80, campaign.id, "gone", now - timedelta(days=1), now=now - timedelta(days=9))
    assert balance(pid, campaign.id) == 380  # the expiry job has not run yet
    mall = client.get(f"{API}/mall", headers=auth(tok)).json
    assert mall["balance"] == 300  # ... but expired points cannot be spent

    first = exchange(client, tok, "p")
    assert first.status_code == 200 and first.json["balance"] == 150
    row = db.session.get(Exchange, first.json["exchange_id"])
    ids = {e.source_key: e.id for e in db.session.scalars(select(PointsEntry))}
    assert [(c[0], c[2]) for c in row.consumed] == [(ids["soon"], 100), (ids["late"], 50)]
    expiry = db.session.scalar(select(PointsEntry).where(PointsEntry.kind == "expiry"))
    assert expiry.delta == -80 and expiry.source_key == f"expiry:{ids['gone']}"
    second = exchange(client, tok, "p")
    assert second.status_code == 200 and second.json["balance"] == 0
    later = db.session.get(Exchange, second.json["exchange_id"])
    assert [(c[0], c[2]) for c in later.consumed] == [(ids["late"], 50), (ids["never"], 100)]
    assert exchange(client, tok, "p").json["code"] == "insufficient_points"


def test_bank_wide_points_pay_when_the_mall_says_so(client, db, token):
    bundle = mall_bundle([{"key": "p", "name": "P", "price": 40, "reward": {"kind": "none"}}])
    bundle["mall"]["points_from"] = "bank"
    campaign = publish(bundle)
    tok = token("bank-points")
    pid = join(client, tok)
    credit(pid, 50, campaign.id, "campaign-points")
    credit(pid, 60, None, "bank-points")
    assert exchange(client, tok, "p").json["balance"] == 20
    assert balance(pid, None) == 20 + 50 and balance(pid, campaign.id) == 50


def test_a_replayed_idempotency_key_exchanges_once(client, db, token):
    campaign = publish_mall()
    tok = token("retry")
    pid = join(client, tok)
    credit(pid, 500, campaign.id, "s:e")
    first = exchange(client, tok, "phone-10", "same-key")
    again = exchange(client, tok, "phone-10", "same-key")
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["exchange_id"] == first.json["exchange_id"]
    other = exchange(client, tok, "fuel", "same-key")
    assert other.status_code == 409 and other.json["code"] == "idempotency_conflict"
    assert balance(pid, campaign.id) == 400
    assert db.session.scalar(select(func.count(Exchange.id))) == 1


def test_an_exchange_needs_a_member_and_a_live_campaign(client, db, token):
    publish_mall()
    stranger = exchange(client, token("stranger"), "phone-10")
    assert stranger.status_code == 403 and stranger.json["code"] == "not_joined"
    assert client.post(f"{API}/exchanges", json={"item": "phone-10"}).status_code == 401
