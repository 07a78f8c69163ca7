"""The demo's rights library (seed 003: phone credit, data, e-cards, fuel cards, video
memberships...): head office's catalogue, one right per demo code pool, and coupon rights with
codes so the library shows codes left, one of them low enough to raise the operators' alert."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from builder.rights import ensure_pool
from core.extensions import db
from core.models import Branch, Right

CARRIERS = (
    ("cmcc", "中国移动", "China Mobile"),
    ("cucc", "中国联通", "China Unicom"),
    ("ctcc", "中国电信", "China Telecom"),
)
SHOPS = (
    ("jd", "京东E卡", "JD e-card"),
    ("tmall", "天猫购物卡", "Tmall card"),
    ("suning", "苏宁礼品卡", "Suning gift card"),
)
FUEL = (
    ("sinopec", "中石化加油卡", "Sinopec fuel card"),
    ("petrochina", "中石油加油卡", "PetroChina fuel card"),
)
VIDEO = (
    ("iqiyi", "爱奇艺黄金会员", "iQiyi VIP"),
    ("tencent", "腾讯视频VIP", "Tencent Video VIP"),
    ("youku", "优酷VIP", "Youku VIP"),
    ("mango", "芒果TV会员", "Mango TV VIP"),
    ("bilibili", "哔哩哔哩大会员", "Bilibili premium"),
)
TERMS = ((1, "月卡", "1 month", 15), (3, "季卡", "3 months", 40), (12, "年卡", "1 year", 148))
DEMO_CODES = 50
LOW_STOCK_AT = 20
LOW_ON_PURPOSE = "iqiyi-1m"  # stocked below its alert so the operator's home shows one


def demo_rights() -> list[dict[str, Any]]:
    """The catalogue as rows of Right fields (about seventy, in every category)."""
    rows: list[dict[str, Any]] = []
    for code, zh, en in CARRIERS:
        for amount in (10, 30, 50, 100):
            rows.append(
                dict(
                    key=f"{code}-credit-{amount}",
                    name=f"{zh}话费{amount}元",
                    name_en=f"{en} credit CNY {amount}",
                    category="phone_credit",
                    kind="webhook",
                    config={"sku": f"{code.upper()}-TOPUP-{amount}"},
                    cost=amount * 0.98,
                    message="话费将在24小时内到账",
                )
            )
        for gb in (1, 5, 10):
            rows.append(
                dict(
                    key=f"{code}-data-{gb}g",
                    name=f"{zh}{gb}GB流量包",
                    name_en=f"{en} {gb} GB data",
                    category="mobile_data",
                    kind="webhook",
                    config={"sku": f"{code.upper()}-DATA-{gb}G"},
                    cost=gb * 3.0,
                    valid_days=30,
                    message="流量当月有效",
                )
            )
    for code, zh, en in SHOPS:
        for amount in (20, 50, 100):
            rows.append(
                dict(
                    key=f"{code}-card-{amount}",
                    name=f"{zh}{amount}元",
                    name_en=f"{en} CNY {amount}",
                    category="e_card",
                    kind="coupon_code",
                    config={"pool": f"{code}-card-{amount}"},
                    cost=amount * 0.97,
                    valid_days=365,
                    low_stock_threshold=LOW_STOCK_AT,
                    message="请在APP中绑定卡密使用",
                )
            )
    for code, zh, en in FUEL:
        for amount in (100, 200, 500):
            rows.append(
                dict(
                    key=f"{code}-fuel-{amount}",
                    name=f"{zh}{amount}元",
                    name_en=f"{en} CNY {amount}",
                    category="fuel_card",
                    kind="coupon_code",
                    config={"pool": f"{code}-fuel-{amount}"},
                    cost=amount * 0.99,
                    valid_days=365,
                    low_stock_threshold=LOW_STOCK_AT,
                    message="凭卡密在加油站或APP充值",
                )
            )
    for code, zh, en in VIDEO:
        for months, term_zh, term_en, price in TERMS:
            rows.append(
                dict(
                    key=f"{code}-{months}m",
                    name=f"{zh}{term_zh}",
                    name_en=f"{en}, {term_en}",
                    category="video_membership",
                    kind="coupon_code",
                    config={"pool": f"{code}-{months}m"},
                    cost=price,
                    valid_days=90,
                    low_stock_threshold=LOW_STOCK_AT,
                    message="请在会员页面输入兑换码",
                )
            )
    for amount in (100, 500, 1800):
        rows.append(
            dict(
                key=f"points-{amount}",
                name=f"{amount}积分",
                name_en=f"{amount} points",
                category="points",
                kind="points",
                config={"amount": amount},
                cost=amount / 100,
                valid_days=365,
            )
        )
    for amount in (1, 5, 8.88):
        rows.append(
            dict(
                key=f"cash-{amount:g}".replace(".", "-"),
                name=f"现金红包{amount:g}元",
                name_en=f"Cash red packet CNY {amount:g}",
                category="cash",
                kind="red_packet",
                config={"mode": "fixed", "amount": amount},
                cost=amount,
            )
        )
    rows.append(
        dict(
            key="gift-umbrella",
            name="定制雨伞",
            name_en="Branded umbrella",
            category="gift",
            kind="physical",
            config={"note": "网点领取或邮寄"},
            cost=35.0,
        )
    )
    rows.extend(template_pool_rights())
    return rows


def template_pool_rights() -> list[dict[str, Any]]:
    """A right for each code pool the demo campaigns' prizes and mall use, so their codes
    left show too."""
    from builder.demo_campaigns import DEMO_TEMPLATES, coupon_rewards
    from rules.templates import load_template

    rows: dict[str, dict[str, Any]] = {}
    for template in DEMO_TEMPLATES:
        for reward in coupon_rewards(load_template(template)):
            rows.setdefault(
                reward["pool"],
                dict(
                    key=reward["pool"],
                    name=reward["name"],
                    name_en=reward["name_en"],
                    category="phone_credit" if "phone" in reward["pool"] else "other",
                    kind="coupon_code",
                    config={"pool": reward["pool"]},
                    cost=float(reward["value"] or 0),
                    low_stock_threshold=LOW_STOCK_AT,
                ),
            )
    return list(rows.values())


def load_demo_rights() -> int:
    """Add the rights that do not exist yet, with codes for their new pools; returns how many
    were added (0 on a second run)."""
    from runtime.issuance.coupons import pool_by_key, upload_codes

    head_office = db.session.scalar(select(Branch).where(Branch.parent_id.is_(None)))
    if head_office is None:
        return 0
    known = set(db.session.scalars(select(Right.key)))
    added = 0
    for row in demo_rights():
        if row["key"] in known:
            continue
        right = Right(branch_id=head_office.id, **row)
        db.session.add(right)
        pool_key = right.pool_key
        if pool_key and pool_by_key(db.session, pool_key) is None:
            count = LOW_STOCK_AT // 2 if right.key == LOW_ON_PURPOSE else DEMO_CODES
            stem = pool_key.upper()
            codes = "\n".join(f"DEMO-{stem}-{i:04d}" for i in range(1, count + 1))
            upload_codes(db.session, pool_key, codes, name=right.name)
        ensure_pool(right)
        added += 1
    db.session.commit()
    return added
