"""Red packets: fixed or random amounts paid from a budget that can never be overspent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.models import RedPacketBudget, RedPacketGrant, Reward, utcnow
from runtime.issuance import red_packets
from runtime.issuance.issuers.base import IssueError
from runtime.issuance.issuers.red_packet import pick_amount
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import bundle, make_rewards, publish


def issue(app) -> int:
    return IssuanceLoop(app, kinds=["red_packet"]).run(burst=True)


def budget(db, campaign_id: int) -> tuple[int, int]:
    row = db.session.execute(
        select(RedPacketBudget.total_cents, RedPacketBudget.spent_cents).where(
            RedPacketBudget.campaign_id == campaign_id
        )
    ).one()
    db.session.commit()
    return tuple(row)


def grants(db) -> list[int]:
    amounts = db.session.scalars(select(RedPacketGrant.amount_cents).order_by(RedPacketGrant.id))
    return list(amounts)


def statuses(db, ids: list[int]) -> list[str]:
    rows = db.session.scalars(select(Reward.status).where(Reward.id.in_(ids)).order_by(Reward.id))
    return list(rows)


def test_fixed_packets_stop_at_the_budget(app, db, campaign, people, issuance_config):
    cid = campaign.id
    red_packets.set_budget(db.session, cid, 10)
    db.session.commit()
    ids = make_rewards(cid, [p.id for p in people], "red_packet", {"mode": "fixed", "amount": 3}, 5)

    assert issue(app) == 3

    assert statuses(db, ids) == ["issued"] * 3 + ["failed"] * 2
    assert grants(db) == [300, 300, 300]
    assert budget(db, cid) == (1000, 900)
    failed = db.session.get(Reward, ids[-1])
    assert failed.attempts == 1 and failed.last_error == "red packet budget exhausted"
    issued = db.session.get(Reward, ids[0])
    assert issued.result == {"amount": 3.0, "amount_cents": 300, "currency": "CNY"}


def test_random_packets_stay_within_min_and_max(app, db, campaign, people, issuance_config):
    cid = campaign.id
    red_packets.set_budget(db.session, cid, 1000)
    db.session.commit()
    payload = {"mode": "random", "min": 1, "max": 2.5}
    make_rewards(cid, [p.id for p in people], "red_packet", payload, 40)

    assert issue(app) == 40

    amounts = grants(db)
    assert all(100 <= cents <= 250 for cents in amounts)
    assert len(set(amounts)) > 1
    assert budget(db, cid) == (100_000, sum(amounts))


def test_the_last_random_packet_takes_what_is_left_but_never_more(
    app, db, campaign, people, issuance_config
):
    cid = campaign.id
    red_packets.set_budget(db.session, cid, 2.5)
    db.session.commit()
    ids = make_rewards(cid, [people[0].id], "red_packet", {"mode": "random", "min": 1, "max": 2}, 4)

    issue(app)

    total, spent = budget(db, cid)
    amounts = grants(db)
    assert spent == sum(amounts) <= total == 250
    assert all(100 <= cents <= 200 for cents in amounts) and len(amounts) >= 1
    assert total - spent < 100  # a refusal only once not even the minimum fits
    assert statuses(db, ids).count("issued") == len(amounts)


def test_without_a_budget_packets_fail_at_once(app, db, campaign, people, issuance_config):
    packet = {"mode": "fixed", "amount": 1}
    [reward_id] = make_rewards(campaign.id, [people[0].id], "red_packet", packet)

    assert issue(app) == 0

    reward = db.session.get(Reward, reward_id)
    assert (reward.status, reward.attempts) == ("failed", 1)
    assert "no red packet budget" in reward.last_error


def test_the_budget_comes_from_the_published_limits(app, db, people, issuance_config):
    limits = {"per_person": {}, "branch_quotas": {}, "budget": {"amount": 4, "currency": "CNY"}}
    campaign = publish(
        bundle(
            "packets", starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00", limits=limits
        )
    )
    cid = campaign.id
    ids = make_rewards(cid, [people[0].id], "red_packet", {"mode": "fixed", "amount": 1.5}, 3)

    assert issue(app) == 2

    assert budget(db, cid) == (400, 300)
    assert statuses(db, ids) == ["issued", "issued", "failed"]


def test_the_database_refuses_overspending_and_shrinking_below_spent(app, db, campaign):
    cid = campaign.id
    red_packets.set_budget(db.session, cid, 5)
    db.session.commit()
    assert red_packets.take(db.session, cid, 400, utcnow()) is not None
    assert red_packets.take(db.session, cid, 200, utcnow()) is None
    db.session.commit()

    with pytest.raises(IntegrityError):
        db.session.execute(
            update(RedPacketBudget).values(spent_cents=RedPacketBudget.total_cents + 1)
        )
    db.session.rollback()
    with pytest.raises(ValueError, match="^amount"):
        red_packets.set_budget(db.session, cid, 3)
    db.session.rollback()
    red_packets.set_budget(db.session, cid, 4)
    db.session.commit()

    assert budget(db, cid) == (400, 400)
    assert db.session.scalar(select(func.count(RedPacketGrant.id))) == 0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"mode": "lucky"}, "payload.mode"),
        ({"mode": "random", "min": 3, "max": 2}, "payload.max"),
        ({"mode": "random", "min": 1}, "invalid red packet amount"),
        ({"amount": 0}, "must be positive"),
        ({"amount": "lots"}, "invalid red packet amount"),
    ],
)
def test_bad_payloads_are_permanent_errors(payload, message):
    with pytest.raises(IssueError, match=message) as caught:
        pick_amount(payload)
    assert caught.value.permanent


def test_fixed_and_random_amounts():
    assert pick_amount({"amount": 8.88}) == (888, 888)
    cents, low = pick_amount({"mode": "random", "min": "0.5", "max": "0.51"})
    assert low == 50 and cents in (50, 51)
