"""A small valid bundle for the rules tests to mutate (imported by name: no conftest clash)."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "format": "campaign-bundle/1",
    "slug": "test-wheel",
    "name": "测试转盘",
    "branch": "HQ",
    "widget": {"type": "lucky_wheel", "config": {}},
    "schedule": {
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-11-01T00:00:00",
        "ends_at": "2026-12-01T00:00:00",
        "windows": [
            {"id": "crazy_hour", "weekly": {"days": ["fri"], "start": "20:00", "end": "21:00"}}
        ],
    },
    "chances": {
        "kinds": [
            {"key": "gold", "name": "金铲子", "initial": 3},
            {"key": "silver", "name": "银铲子"},
        ],
        "default_kind": "gold",
    },
    "prizes": [
        {
            "key": "iphone",
            "name": "iPhone",
            "weight": 1,
            "stock": 10,
            "value": 6999.0,
            "per_person_limit": 1,
            "chance_kinds": ["gold"],
            "reward": {"kind": "physical"},
        },
        {
            "key": "points",
            "name": "积分",
            "weight": 50,
            "stock": None,
            "value": 1.0,
            "reward": {"kind": "points", "amount": 100},
        },
        {
            "key": "thanks",
            "name": "徽章",
            "weight": 49,
            "fallback": True,
            "reward": {"kind": "none"},
        },
    ],
    "odds": {
        "exhausted": "fallback",
        "guaranteed_first": 0,
        "boosts": [{"window": "crazy_hour", "prizes": ["iphone"], "factor": 3}],
    },
    "rules": [
        {
            "id": "share-bonus",
            "trigger": "share",
            "conditions": {"all": [{"name": "shares_today", "operator": "less_than", "value": 3}]},
            "actions": [{"name": "grant_chances", "params": {"kind": "silver", "count": 1}}],
        }
    ],
}


def make_bundle(**overrides: Any) -> dict[str, Any]:
    """A fresh valid bundle with top-level keys replaced."""
    bundle = copy.deepcopy(BASE)
    bundle.update(copy.deepcopy(overrides))
    return bundle
