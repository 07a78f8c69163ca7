"""Demo data: a head office and branches with coordinates, one user per role, a channel, and the
seed campaigns published. Loading twice changes nothing."""

from __future__ import annotations

import logging

from sqlalchemy import select

from core.accounts import create_channel, create_user
from core.extensions import db
from core.models import Branch, Campaign, Channel, User
from core.tokens import mint_token

logger = logging.getLogger(__name__)

DEMO_CHANNEL = "demo-app"
# code, name, name_en, level, parent, city, lat, lon, approval levels
DEMO_BRANCHES = [
    ("HQ", "总行", "Head Office", "hq", None, "上海", 31.2304, 121.4737, 3),
    ("SH001", "上海分行", "Shanghai Branch", "branch", "HQ", "上海", 31.2397, 121.4998, 2),
    (
        "SH001-01",
        "陆家嘴支行",
        "Lujiazui Sub-branch",
        "sub_branch",
        "SH001",
        "上海",
        31.2354,
        121.5055,
        1,
    ),
    ("BJ001", "北京分行", "Beijing Branch", "branch", "HQ", "北京", 39.9042, 116.4074, 2),
    ("SZ001", "深圳分行", "Shenzhen Branch", "branch", "HQ", "深圳", 22.5431, 114.0579, 2),
    (
        "SZ001-01",
        "福田支行",
        "Futian Sub-branch",
        "sub_branch",
        "SZ001",
        "深圳",
        22.5333,
        114.0550,
        1,
    ),
    ("QD001", "青岛分行", "Qingdao Branch", "branch", "HQ", "青岛", 36.0671, 120.3826, 2),
    ("JN001", "济南分行", "Jinan Branch", "branch", "HQ", "济南", 36.6512, 117.1201, 2),
    ("YT001", "烟台分行", "Yantai Branch", "branch", "HQ", "烟台", 37.4638, 121.4479, 2),
]
# username, password, role, branch
DEMO_USERS = [
    ("admin", "admin-demo-2026", "admin", "HQ"),
    ("marketer", "market-demo-2026", "marketer", "SH001"),
    ("approver", "approve-demo-2026", "approver", "HQ"),
    # levels are decided along the owning branch's ancestry by different people
    # (builder.review_chain): head office's three levels and Shanghai's own level
    ("approver2", "approve-demo-2026", "approver", "HQ"),
    ("approver3", "approve-demo-2026", "approver", "HQ"),
    ("sh-approver", "approve-demo-2026", "approver", "SH001"),
    ("auditor", "audit-demo-2026", "auditor", "HQ"),
    ("operator", "operate-demo-2026", "operator", "HQ"),
]


def load_branches() -> int:
    created = 0
    by_code = {b.code: b for b in db.session.scalars(select(Branch))}
    for code, name, name_en, level, parent, city, lat, lon, levels in DEMO_BRANCHES:
        if code in by_code:
            continue
        branch = Branch(
            code=code,
            name=name,
            name_en=name_en,
            level=level,
            city=city,
            latitude=lat,
            longitude=lon,
            approval_levels=levels,
            parent_id=by_code[parent].id if parent else None,
        )
        db.session.add(branch)
        db.session.flush()
        by_code[code] = branch
        created += 1
    return created


def load_users() -> int:
    existing = set(db.session.scalars(select(User.username)))
    created = 0
    for username, password, role, branch in DEMO_USERS:
        if username not in existing:
            create_user(username, role, branch, password)
            created += 1
    return created


def load_channel() -> bool:
    if db.session.scalar(select(Channel).where(Channel.name == DEMO_CHANNEL)):
        return False
    create_channel(DEMO_CHANNEL)
    return True


def load_demo() -> dict[str, int]:
    """Load everything; returns what was created (zeros on a second run)."""
    from builder.demo_campaigns import load_demo_pools

    summary = {"branches": load_branches(), "users": load_users(), "channels": int(load_channel())}
    db.session.commit()
    summary["campaigns"] = load_campaigns()
    summary["coupon_pools"] = load_demo_pools()
    db.session.commit()
    from builder.demo_rights import load_demo_rights

    summary["rights"] = load_demo_rights()
    return summary


def load_campaigns() -> int:
    """Import and publish the demo campaigns that do not exist yet."""
    from builder.demo_campaigns import publish_demo_campaigns

    return publish_demo_campaigns()


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.username == DEMO_USERS[0][0])) is not None


DEMO_PARTICIPANT = "demo-customer-001"
DEMO_ATTRS = {"branch": "SH001", "city": "上海", "customer_segment": "new", "tags": ["demo"]}


def demo_participant(audience: dict) -> tuple[str, dict]:
    """Who a campaign's demo link plays as: the demo customer, with the attributes (and, with
    a whitelist, the participant id) its audience asks for (rules.audience)."""
    from rules.audience import example_participant

    example = example_participant(audience, DEMO_ATTRS)
    if example is None:
        logger.warning("no demo participant satisfies this audience; the link may be refused")
        return DEMO_PARTICIPANT, dict(DEMO_ATTRS)
    return example.participant_id or DEMO_PARTICIPANT, example.attrs


def demo_links(base_url: str) -> list[tuple[str, str]]:
    """Participant links with a fresh demo token for each live campaign, each as someone the
    campaign's audience lets in."""
    channel = db.session.scalar(select(Channel).where(Channel.name == DEMO_CHANNEL))
    if channel is None:
        return []
    links = []
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.status == "live").order_by(Campaign.id)
    )
    for campaign in campaigns:
        snapshot = campaign.published_version.snapshot if campaign.published_version else {}
        participant, attrs = demo_participant(snapshot.get("audience") or {})
        token = mint_token(channel, participant, attrs, ttl=86400)
        links.append((campaign.name, f"{base_url}/c/{campaign.slug}#token={token}"))
    return links
