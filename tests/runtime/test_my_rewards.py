"""GET /me/rewards: a participant follows each prize from pending to issued, with the
redemption details, and sees nothing of the bank's internals."""

from __future__ import annotations

from runtime.issuance import coupons
from runtime.issuance.loop import IssuanceLoop
from runtime.issuer_limits import codes_added
from tests.runtime.conftest import auth, base_bundle, publish


def coupon_bundle() -> dict:
    prizes = [
        {
            "key": "coupon",
            "name": "话费券",
            "weight": 1,
            "stock": 5,
            "value": 9.5,
            "reward": {"kind": "coupon_code", "pool": "phone-credit", "valid_days": 30},
        },
        {
            "key": "thanks",
            "name": "谢谢",
            "weight": 0,
            "fallback": True,
            "reward": {"kind": "none"},
        },
    ]
    return base_bundle("my-rewards", prizes=prizes)


def test_a_won_coupon_shows_pending_then_its_code(app, client, db, token):
    publish(coupon_bundle())
    coupons.upload_codes(db.session, "phone-credit", "CODE-1\n", name="Phone credit")
    db.session.commit()
    codes_added(db.session, "phone-credit", 1)  # the live campaign may promise the new code
    headers, other_headers = auth(token("winner")), auth(token("someone-else"))
    joined = client.post("/api/v1/campaigns/my-rewards/join", headers=headers, json={})
    assert joined.status_code == 200
    drawn = client.post("/api/v1/campaigns/my-rewards/draw", headers=headers, json={}).json
    assert drawn["prize"]["key"] == "coupon"

    pending = client.get("/api/v1/me/rewards", headers=headers).json["rewards"]
    assert [(r["id"], r["status"], r["result"]) for r in pending] == [
        (drawn["reward"]["id"], "pending", None)
    ]
    payload = pending[0]["payload"]
    assert payload["prize_name"] == "话费券" and payload["valid_days"] == 30
    assert not {"value", "pool"} & payload.keys()  # the bank's cost and pool stay internal

    db.session.commit()
    assert IssuanceLoop(app, kinds=["coupon_code"]).run(burst=True) == 1
    issued = client.get("/api/v1/me/rewards", headers=headers).json["rewards"][0]
    assert issued["status"] == "issued" and issued["issued_at"]
    assert issued["result"]["code"] == "CODE-1"
    # another participant sees none of it
    other = client.get("/api/v1/me/rewards", headers=other_headers).json
    assert other == {"rewards": []}
