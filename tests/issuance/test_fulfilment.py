"""Physical prizes: queued by the issuer, then address, shipped, delivered by staff (audited),
each step visible to the participant in the reward's result."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditEntry, Fulfilment, Reward
from runtime.issuance import fulfilment
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import make_rewards

ADDRESS = {"name": "Li Lei", "phone": "13800000000", "address": "1 Bund Rd, Shanghai"}


@pytest.fixture
def parcels(app, db, campaign, people, issuance_config) -> list[int]:
    """One physical reward without an address, one with it (captured at draw time)."""
    pid = people[0].id
    [bare] = make_rewards(campaign.id, [pid], "physical", {"sku": "MUG"})
    [addressed] = make_rewards(campaign.id, [pid], "physical", {"sku": "MUG", "address": ADDRESS})
    assert IssuanceLoop(app, kinds=["physical"]).run(burst=True) == 2
    return [bare, addressed]


def result(db, reward_id: int) -> dict:
    reward = db.session.get(Reward, reward_id)
    db.session.refresh(reward)
    return reward.result


def audit_actions(db, reward_id: int) -> list[str]:
    return db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "reward", AuditEntry.object_id == str(reward_id))
        .order_by(AuditEntry.id)
    ).all()


def test_the_issuer_queues_each_parcel_once(app, db, parcels):
    rows = db.session.scalars(select(Fulfilment).order_by(Fulfilment.reward_id)).all()

    assert [(r.reward_id, r.status) for r in rows] == [
        (parcels[0], "awaiting_address"),
        (parcels[1], "ready"),
    ]
    assert result(db, parcels[0])["note"] == "awaiting delivery address"
    assert result(db, parcels[1])["fulfilment"] == "ready"
    assert [i["reward_id"] for i in fulfilment.list_queue(status="awaiting_address")] == [
        parcels[0]
    ]


def test_address_shipped_delivered_are_audited_and_shown(app, db, parcels):
    bare = parcels[0]

    fulfilment.capture_address(bare, {**ADDRESS, "name": "  Han Meimei "}, actor_label="ops")
    shipped = fulfilment.mark(
        bare, "shipped", actor_label="ops", carrier="SF", tracking_no=" SF123 ", note="fragile"
    )
    assert shipped["status"] == "shipped" and shipped["tracking_no"] == "SF123"
    assert result(db, bare) == {"fulfilment": "shipped", "tracking": "SF SF123", "note": "fragile"}
    fulfilment.mark(bare, "delivered", actor_label="ops")

    item = db.session.scalars(select(Fulfilment).where(Fulfilment.reward_id == bare)).one()
    assert item.status == "delivered" and item.address["name"] == "Han Meimei"
    assert item.shipped_at is not None and item.delivered_at >= item.shipped_at
    assert result(db, bare)["fulfilment"] == "delivered"
    assert audit_actions(db, bare) == [
        "fulfilment.address",
        "fulfilment.shipped",
        "fulfilment.delivered",
    ]
    shipped_audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "fulfilment.shipped")
    ).one()
    assert shipped_audit.before["status"] == "ready" and shipped_audit.after["status"] == "shipped"


@pytest.mark.parametrize(
    ("step", "kwargs", "message"),
    [
        ("shipped", {}, "^status: a awaiting_address parcel cannot be marked shipped"),
        ("delivered", {}, "^status"),
        ("lost", {}, "^step"),
    ],
)
def test_steps_out_of_order_are_refused(app, db, parcels, step, kwargs, message):
    with pytest.raises(fulfilment.FulfilmentError, match=message):
        fulfilment.mark(parcels[0], step, actor_label="ops", **kwargs)
    assert audit_actions(db, parcels[0]) == []


def test_bad_input_names_the_field_and_changes_nothing(app, db, parcels):
    ready = parcels[1]
    with pytest.raises(fulfilment.FulfilmentError, match="^address.phone"):
        fulfilment.capture_address(parcels[0], {**ADDRESS, "phone": " "}, actor_label="ops")
    with pytest.raises(fulfilment.FulfilmentError, match="^tracking_no"):
        fulfilment.mark(ready, "shipped", actor_label="ops", tracking_no="")
    with pytest.raises(fulfilment.FulfilmentError, match="^reward_id"):
        fulfilment.mark(10**9, "shipped", actor_label="ops", tracking_no="X")
    fulfilment.mark(ready, "shipped", actor_label="ops", tracking_no="YT1")
    with pytest.raises(fulfilment.FulfilmentError, match="^status: already shipped"):
        fulfilment.capture_address(ready, ADDRESS, actor_label="ops")

    assert audit_actions(db, parcels[0]) == []
    assert audit_actions(db, ready) == ["fulfilment.shipped"]
