"""The demo campaigns: the seed templates and the points mall with tasks, scheduled around
today (rules.templates.around_today), two of them owned by the Shanghai branch, and published."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import Campaign

logger = logging.getLogger(__name__)

DEMO_TEMPLATES = (
    "icbc_treasure_dig",
    "qingdao_checkin",
    "decent_lottery",
    "pingan_vote_invite",
    "hengfeng_mgm",
    "points_mall_tasks",
)
# the demo's marketer works at the Shanghai branch: these campaigns are Shanghai's, so the
# marketer's studio has campaigns to open, edit and send to Shanghai's approver
DEMO_OWNERS = {"hengfeng_mgm": "SH001", "points_mall_tasks": "SH001"}


def demo_bundle(name: str) -> dict[str, Any]:
    """A demo campaign: the template scheduled around today (live since yesterday, for 60
    more days) and owned by its demo branch."""
    from rules.templates import around_today, load_template

    bundle = around_today(load_template(name))
    bundle["branch"] = DEMO_OWNERS.get(name, bundle["branch"])
    return bundle


def publish_demo_campaigns() -> int:
    from runtime.publishing import create_campaign, publish_campaign

    published = 0
    for name in DEMO_TEMPLATES:
        bundle = demo_bundle(name)
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == bundle["slug"]))
        if campaign is not None and campaign.published_version_id is not None:
            continue
        # a draft left by an interrupted run is published rather than skipped
        campaign = campaign or create_campaign(bundle)
        publish_campaign(campaign, note="demo data")
        published += 1
    return published


DEMO_CODES_PER_POOL = 2000


def coupon_rewards(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The code-pool rewards a bundle promises, from its prizes and its mall's rights (and
    their options), each as {pool, name, name_en, stock, value}."""
    found: list[dict[str, Any]] = []

    def add(reward: dict[str, Any] | None, name: str, name_en: str | None, stock, value) -> None:
        if (reward or {}).get("kind") == "coupon_code" and reward.get("pool"):
            found.append(
                dict(pool=reward["pool"], name=name, name_en=name_en, stock=stock, value=value)
            )

    for prize in bundle.get("prizes") or []:
        add(
            prize.get("reward"),
            prize["name"],
            prize.get("name_en"),
            prize.get("stock"),
            prize.get("value"),
        )
    for item in (bundle.get("mall") or {}).get("items") or []:
        stock = item.get("stock")
        add(item.get("reward"), item["name"], item.get("name_en"), stock, None)
        for choice in item.get("choices") or []:
            name_en = (
                f"{item.get('name_en') or item['name']}, {choice.get('name_en') or choice['name']}"
            )
            add(choice["reward"], f"{item['name']}·{choice['name']}", name_en, stock, None)
    return found


def demo_pools() -> dict[str, tuple[str, int | None]]:
    """The coupon pools the demo campaigns' prizes and mall rights draw codes from:
    key -> (name, stock)."""
    from rules.templates import load_template

    pools: dict[str, tuple[str, int | None]] = {}
    for name in DEMO_TEMPLATES:
        for reward in coupon_rewards(load_template(name)):
            pools.setdefault(reward["pool"], (reward["name"], reward["stock"]))
    return pools


def load_demo_pools() -> int:
    """Fill each demo pool that does not exist yet with generated codes (DEMO-<POOL>-00001...),
    so a demo win or exchange of a coupon is issued like a real one. Returns the pools
    created."""
    from runtime.issuance.coupons import pool_by_key, upload_codes
    from runtime.issuer_limits import codes_added

    created = 0
    for key, (name, stock) in demo_pools().items():
        if pool_by_key(db.session, key) is not None:
            continue
        count = min(stock or DEMO_CODES_PER_POOL, DEMO_CODES_PER_POOL)
        stem = key.upper()
        codes = "\n".join(f"DEMO-{stem}-{i:05d}" for i in range(1, count + 1))
        report = upload_codes(db.session, key, codes, name=f"{name} (demo)", valid_days=30)
        db.session.commit()  # codes first, then the campaigns may promise them
        codes_added(db.session, key, report.added)
        created += 1
    return created
