"""Builders for loyalty tests: a campaign with a mall and tasks, members with points."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from core.extensions import db
from runtime.issuance import points
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "mall-test"
API = f"/api/v1/campaigns/{SLUG}"

PHONE = {
    "key": "phone-10",
    "name": "10元话费",
    "price": 100,
    "stock": 50,
    "valid_days": 30,
    "message": "话费已充值到您的手机",
    "reward": {"kind": "physical"},
}
VIDEO = {
    "key": "video",
    "name": "视频会员月卡",
    "price": 300,
    "stock": None,
    "per_person_limit": 2,
    "per_day_limit": 1,
    "choices": [
        {"key": "tencent", "name": "腾讯视频", "reward": {"kind": "webhook", "sku": "TX-1M"}},
        {"key": "iqiyi", "name": "爱奇艺", "reward": {"kind": "webhook", "sku": "IQ-1M"}},
    ],
}
FUEL = {
    "key": "fuel",
    "name": "加油卡",
    "price": 50,
    "stock": 20,
    "max_quantity": 5,
    "unit": "10元",
    "reward": {"kind": "none", "message": "加油卡已发放"},
}


def mall_bundle(items: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    mall = {"points_from": "campaign", "items": copy.deepcopy(items or [PHONE, VIDEO, FUEL])}
    return base_bundle(SLUG, mall=mall, **overrides)


def publish_mall(items=None, **overrides):
    return publish(mall_bundle(items, **overrides))


def join(client, tok: str, api: str = API) -> int:
    """Join and return the participant id."""
    from core.models import Participant

    answer = client.post(f"{api}/join", headers=auth(tok), json={})
    assert answer.status_code == 200, answer.json
    found = db.session.query(Participant.id).filter_by(external_id=_sub(tok)).scalar()
    db.session.commit()  # no lock held for a live server
    return found


def _sub(tok: str) -> str:
    import base64
    import json

    payload = tok.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def credit(
    pid: int,
    amount: int,
    campaign_id: int | None,
    key: str,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    points.post(
        db.session,
        participant_id=pid,
        campaign_id=campaign_id,
        delta=amount,
        kind="staff",
        source_key=key,
        expires_at=expires_at,
        now=now,
    )
    db.session.commit()


def balance(pid: int, campaign_id: int | None) -> int:
    db.session.expire_all()
    value = points.balance(pid, campaign_id, session=db.session)
    db.session.commit()
    return value


def exchange(client, tok: str, item: str, key: str | None = None, **body: Any):
    return client.post(f"{API}/exchanges", headers=auth(tok, key), json={"item": item, **body})


def event_request(channel, body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A signed server event (body, headers) from `channel`."""
    import json
    import time

    from core.accounts import secret_for
    from runtime.auth import sign_event

    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    headers = {
        "X-Studio-Channel": channel.key,
        "X-Studio-Timestamp": stamp,
        "X-Studio-Signature": "sha256=" + sign_event(secret_for(channel), stamp, raw),
        "Content-Type": "application/json",
    }
    return raw, headers


def send_event(client, channel, event_id: str, kind: str, participant: str, **data: Any):
    raw, headers = event_request(
        channel,
        {"event_id": event_id, "type": kind, "participant": participant, "data": data},
    )
    return client.post("/api/v1/events", data=raw, headers=headers)


def badge_task(key: str, event: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": f"任务 {key}", "event": event, "badge": {"name": key}, **fields}


FIVE_BADGES = [
    badge_task("debit", "account_opened", account_type="debit_card"),
    badge_task("credit", "account_opened", account_type="credit_card"),
    badge_task("epay", "account_opened", account_type="e_payment"),
    badge_task("fund", "transaction", transaction_type="fund", min_amount=1000),
    badge_task("wealth", "transaction", transaction_type="wealth"),
]
# what each badge's event is: (type, data)
BADGE_EVENTS = {
    "debit": ("account_opened", {"account_type": "debit_card"}),
    "credit": ("account_opened", {"account_type": "credit_card"}),
    "epay": ("account_opened", {"account_type": "e_payment"}),
    "fund": ("transaction", {"transaction_type": "fund", "transaction_amount": 5000}),
    "wealth": ("transaction", {"transaction_type": "wealth", "transaction_amount": 1}),
}
THIRD_BADGE_UNLOCKS_A_DRAW = {
    "id": "three-badges",
    "trigger": "badge",
    "conditions": {"all": [{"name": "badges_count", "operator": "equal_to", "value": 3}]},
    "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
}
NO_CHANCES = {"kinds": [{"key": "gold", "name": "金", "initial": 0}], "default_kind": "gold"}
