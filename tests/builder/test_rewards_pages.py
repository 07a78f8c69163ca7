"""Reward operations in the studio: dead letters, parcels, code pools, staff points; audited."""

import io
import re

import pytest
from sqlalchemy import select

from core.models import AuditEntry, Campaign, CouponCode, Fulfilment, Participant, Reward
from tests.builder import studio
from tests.factories import make_branch, make_channel, make_hq, make_user

PASSWORD = "password-123"


def sign_in(client, user):
    studio.sign_in(client, user, PASSWORD)


def csrf(client, url="/studio/rewards/"):
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match, "no form on the page"
    return match.group(1)


@pytest.fixture
def world(db):
    hq = make_hq()
    campaign = Campaign(
        slug="ops", name="ops", branch_id=hq.id, widget_type="lucky_wheel", draft={}, draft_hash="h"
    )
    db.session.add(campaign)
    channel, _ = make_channel("bank-app")
    participant = Participant(channel_id=channel.id, external_id="cust-9")
    db.session.add(participant)
    db.session.commit()
    return {
        "hq": hq,
        "campaign": campaign,
        "participant": participant,
        "channel": channel,
        "operator": make_user("operator", branch=hq),
    }


def make_reward(db, world, status="failed", kind="webhook", key=None):
    reward = Reward(
        source_key=key or f"test:{status}:{kind}",
        campaign_id=world["campaign"].id,
        participant_id=world["participant"].id,
        kind=kind,
        status=status,
        attempts=8,
        last_error="HTTP 503 from partner",
        payload={},
    )
    db.session.add(reward)
    db.session.commit()
    return reward


def test_only_operators_and_admins_open_the_pages(client, world):
    sign_in(client, make_user("marketer", branch=world["hq"]))
    assert client.get("/studio/rewards/").status_code == 403
    studio.sign_out(client)
    sign_in(client, world["operator"])
    assert client.get("/studio/rewards/").status_code == 200
    assert client.get("/studio/rewards/metrics.json").status_code == 403  # admins only


def test_dead_letter_retry_and_cancel_are_audited(client, db, world):
    first, second = make_reward(db, world, key="a"), make_reward(db, world, key="b")
    sign_in(client, world["operator"])
    page = client.get("/studio/rewards/").get_data(as_text=True)
    assert "HTTP 503 from partner" in page
    token = csrf(client)
    client.post(f"/studio/rewards/{first.id}/retry", data={"csrf_token": token})
    client.post(f"/studio/rewards/{second.id}/cancel", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Reward, first.id).status == "pending"
    assert db.session.get(Reward, second.id).status == "cancelled"
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor == world["operator"].username)
        )
    )
    assert {"reward.retry", "reward.cancel"} <= actions


def test_other_branches_rewards_are_out_of_reach(client, db, world):
    reward = make_reward(db, world)
    outsider = make_user("operator", branch=make_branch("FAR", parent=world["hq"]))
    sign_in(client, outsider)
    assert "HTTP 503" not in client.get("/studio/rewards/").get_data(as_text=True)
    token = csrf(client, "/studio/rewards/coupons")
    assert (
        client.post(f"/studio/rewards/{reward.id}/retry", data={"csrf_token": token}).status_code
        == 404
    )


def test_parcel_address_ship_deliver(client, db, world):
    reward = make_reward(db, world, status="issued", kind="physical", key="parcel")
    db.session.add(
        Fulfilment(
            reward_id=reward.id,
            campaign_id=world["campaign"].id,
            participant_id=world["participant"].id,
        )
    )
    db.session.commit()
    sign_in(client, world["operator"])
    url = f"/studio/rewards/parcels/{reward.id}"
    token = csrf(client, "/studio/rewards/parcels")
    client.post(
        url,
        data={
            "csrf_token": token,
            "step": "address",
            "name": "张三",
            "phone": "13800000000",
            "address": "上海市浦东新区",
        },
    )
    client.post(url, data={"csrf_token": token, "step": "shipped", "tracking_no": ""})  # refused
    item = db.session.scalar(select(Fulfilment).where(Fulfilment.reward_id == reward.id))
    assert item.status == "ready"
    client.post(
        url, data={"csrf_token": token, "step": "shipped", "carrier": "SF", "tracking_no": "SF123"}
    )
    client.post(url, data={"csrf_token": token, "step": "delivered"})
    db.session.expire_all()
    item = db.session.scalar(select(Fulfilment).where(Fulfilment.reward_id == reward.id))
    assert item.status == "delivered" and item.tracking_no == "SF123"


def test_code_pool_upload(client, db, world):
    sign_in(client, world["operator"])
    token = csrf(client, "/studio/rewards/coupons")
    csv = "code\nAAA-1\nAAA-2\nAAA-2\n"
    page = client.post(
        "/studio/rewards/coupons",
        data={
            "csrf_token": token,
            "pool": "phone-10",
            "name": "话费券",
            "valid_days": "30",
            "file": (io.BytesIO(csv.encode()), "codes.csv"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "data-upload" in page
    assert sorted(db.session.scalars(select(CouponCode.code))) == ["AAA-1", "AAA-2"]
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "coupons.upload"))
        is not None
    )


def test_staff_points_credit(client, db, world):
    sign_in(client, world["operator"])
    token = csrf(client, "/studio/rewards/points")
    data = {
        "csrf_token": token,
        "channel": str(world["channel"].id),
        "participant": "cust-9",
        "amount": "500",
        "note": "定期存款 5 万",
    }
    page = client.post("/studio/rewards/points", data=data).get_data(as_text=True)
    assert 'data-points-balance="500"' in page
    page = client.post("/studio/rewards/points", data={**data, "participant": "nobody"}).get_data(
        as_text=True
    )
    assert "participant" in page
    page = client.post("/studio/rewards/points", data={**data, "note": ""}).get_data(as_text=True)
    assert "note" in page
