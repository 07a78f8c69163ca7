"""Runtime test helpers: a valid bundle, a published campaign, channel tokens."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from tests.factories import make_channel, make_hq, make_token


def base_bundle(slug: str = "test-draw", **overrides: Any) -> dict[str, Any]:
    bundle = {
        "format": "campaign-bundle/1",
        "slug": slug,
        "name": "测试抽奖",
        "branch": "HQ",
        "description": "rules",
        "widget": {"type": "lucky_wheel", "config": {}},
        "schedule": {
            "timezone": "Asia/Shanghai",
            "starts_at": "2020-01-01T00:00:00",
            "ends_at": "2099-01-01T00:00:00",
            "windows": [],
        },
        "audience": {"conditions": None, "whitelist": None, "message": "仅限新客户"},
        "chances": {
            "kinds": [{"key": "gold", "name": "金铲子", "initial": 3, "daily": 0}],
            "default_kind": "gold",
        },
        "prizes": [
            {
                "key": "iphone",
                "name": "iPhone",
                "weight": 1,
                "stock": 10,
                "reward": {"kind": "physical"},
            },
            {
                "key": "thanks",
                "name": "谢谢",
                "weight": 1,
                "stock": None,
                "fallback": True,
                "reward": {"kind": "none"},
            },
        ],
        "odds": {"exhausted": "fallback", "guaranteed_first": 0, "boosts": []},
        "limits": {"per_person": {}, "branch_quotas": {}},
        "rules": [],
    }
    for key, value in overrides.items():
        bundle[key] = copy.deepcopy(value)
    return bundle


def publish(bundle: dict[str, Any]):
    from runtime.publishing import create_campaign, publish_campaign

    make_hq()
    campaign = create_campaign(bundle)
    publish_campaign(campaign)
    return campaign


@pytest.fixture
def channel(app):
    return make_channel("bank-app")[0]


@pytest.fixture
def token(channel, db):
    def mint(sub: str = "customer-1", attrs: dict | None = None, ttl: int = 3600) -> str:
        minted = make_token(channel, sub, attrs, ttl)
        db.session.commit()  # release SQLite's write lock for live servers
        return minted

    return mint


def auth(tok: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {tok}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def flights_landed(redis, campaign_id: int, seconds: float = 2.0) -> bool:
    """Every committed draw's flight has landed (runtime.landings lands what no draw carried
    a few milliseconds after its commit)."""
    from runtime import hotstate, landings

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not redis.exists(hotstate.flights_key(campaign_id)) and not landings.waiting(
            campaign_id
        ):
            return True
        time.sleep(0.002)
    return False
