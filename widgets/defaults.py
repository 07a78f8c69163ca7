"""Building blocks for the wizard's default bundles (schedule, chances, prize tables)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .rewards import DEFAULT_CURRENCY, public_reward

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_DAYS = 30


def base_bundle(slug: str, name: str, branch: str, now: datetime | None = None) -> dict[str, Any]:
    """Skeleton bundle running from today 00:00 local time for 30 days."""
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    today = (now.astimezone(zone) if now else datetime.now(zone)).replace(
        hour=0, minute=0, second=0, microsecond=0, tzinfo=None
    )
    return {
        "format": "campaign-bundle/1",
        "slug": slug,
        "name": name,
        "branch": branch,
        "description": "",
        "widget": {"type": "", "config": {}},
        "schedule": {
            "timezone": DEFAULT_TIMEZONE,
            "starts_at": today.isoformat(timespec="seconds"),
            "ends_at": (today + timedelta(days=DEFAULT_DAYS)).isoformat(timespec="seconds"),
            "windows": [],
        },
        "audience": {
            "conditions": None,
            "whitelist": None,
            "message": "很抱歉,您暂不符合本活动的参与条件",
        },
        "chances": single_kind(initial=3, daily=0),
        "prizes": [],
        "odds": {"exhausted": "fallback", "guaranteed_first": 0, "boosts": []},
        "limits": {
            "per_person": {
                "draws_per_day": 20,
                "draws_total": None,
                "wins_per_day": None,
                "wins_total": None,
            },
            "branch_quotas": {},
            "budget": None,
            "shares_rewarded_per_day": 3,
        },
        "rules": [],
    }


def single_kind(
    initial: int, daily: int, key: str = "normal", name: str = "抽奖机会", name_en: str = "Chance"
) -> dict[str, Any]:
    return {
        "kinds": [
            {"key": key, "name": name, "name_en": name_en, "initial": initial, "daily": daily}
        ],
        "default_kind": key,
    }


def prize(
    key: str,
    name: str,
    name_en: str,
    weight: float,
    stock: int | None,
    value: float,
    reward: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "name_en": name_en,
        "weight": weight,
        "stock": stock,
        "value": value,
        "reward": reward,
        **extra,
    }


def consolation(
    key: str = "thanks", name: str = "幸运徽章", name_en: str = "Lucky badge", weight: float = 40
) -> dict[str, Any]:
    return prize(key, name, name_en, weight, None, 0.0, {"kind": "none"}, fallback=True)


def standard_prizes() -> list[dict[str, Any]]:
    """A small lottery table: a top prize, a coupon, points, a red packet, a consolation."""
    return [
        prize(
            "phone",
            "智能手机",
            "Smartphone",
            1,
            5,
            3999.0,
            {"kind": "physical"},
            per_person_limit=1,
        ),
        prize(
            "coupon",
            "10元话费券",
            "¥10 phone credit",
            15,
            500,
            10.0,
            {
                "kind": "coupon_code",
                "pool": "phone-credit-10",
                "valid_days": 30,
                "message": "话费券已到账",
            },
        ),
        prize("points", "188积分", "188 points", 30, None, 1.88, {"kind": "points", "amount": 188}),
        prize(
            "packet",
            "现金红包",
            "Cash red packet",
            14,
            2000,
            2.0,
            {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 8.88},
        ),
        consolation(),
    ]


def share_rule(kind: str, count: int = 1, per_day: int = 3) -> dict[str, Any]:
    """Sharing grants `count` chances of `kind`, at most `per_day` rewarded shares a day."""
    return {
        "id": "share-bonus",
        "trigger": "share",
        "description": "分享得机会",
        "conditions": {
            "all": [{"name": "shares_today", "operator": "less_than", "value": per_day}]
        },
        "actions": [{"name": "grant_chances", "params": {"kind": kind, "count": count}}],
    }


def display_prize(p: dict[str, Any], currency: str = DEFAULT_CURRENCY) -> dict[str, Any]:
    """What a participant may see of a prize: names, picture, its reward by kind and unit
    (widgets.rewards); no weight, stock or odds."""
    reward = p.get("reward") or {}
    return {
        "key": p["key"],
        "name": p.get("name", p["key"]),
        "name_en": p.get("name_en") or "",
        "description": p.get("description") or "",
        "image": p.get("image") or "",
        "kind": reward.get("kind", "none"),
        "fallback": bool(p.get("fallback")),
        "reward": public_reward(reward, currency),
    }
