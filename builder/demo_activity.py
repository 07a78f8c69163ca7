"""Demo activity: people visiting, joining (some invited by others), drawing, sharing,
checking in and voting in the live demo campaigns, doing tasks and spending points in a mall
(builder.demo_loyalty), through the runtime's own functions (the same code the API runs), so
the reports have something to show right after `make run`. Then the report jobs run once.
Campaigns that already have members are left alone."""

from __future__ import annotations

import hashlib
import logging
import random
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.errors import ApiProblem
from core.extensions import db, redis_store
from core.models import Branch, Campaign, Channel, Membership, utcnow

logger = logging.getLogger(__name__)

PEOPLE = 60
MAX_DRAWS = 4
SHARE_CHANNELS = ("wechat_friend", "wechat_moments", "weibo")


def _branch_codes() -> list[str]:
    return list(db.session.scalars(select(Branch.code).where(Branch.parent_id.is_not(None))))


def _people(audience: dict[str, Any], rng: random.Random, codes: list[str]) -> list[tuple]:
    """(participant id, token attributes) of the demo's visitors who may join."""
    from rules.audience import example_participant

    whitelist = audience.get("whitelist") or []
    subs = list(whitelist) or [f"demo-visitor-{n:03d}" for n in range(PEOPLE)]
    people = []
    for sub in subs:
        base = {"branch": rng.choice(codes), "customer_segment": rng.choice(("new", "existing"))}
        example = example_participant(audience, base)
        if example is not None:
            people.append((sub, example.attrs))
    return people


def _visitor(sub: str) -> str:
    return hashlib.sha256(sub.encode()).hexdigest()[:32]


def play_campaign(campaign: Campaign, channel: Channel, rng: random.Random) -> dict[str, int]:
    from builder.demo_loyalty import do_tasks
    from runtime import loader, participation
    from runtime.auth import Principal
    from runtime.rollups import traffic

    ref, live = loader.load(campaign.slug)
    actions = _widget_actions(live.bundle)
    start = max(campaign.starts_at, utcnow() - timedelta(days=2))
    span = max(60.0, (utcnow() - start).total_seconds() - 60)
    done = {"joined": 0, "draws": 0, "views": 0, "tasks": 0}
    codes: list[str] = []
    for sub, attrs in _people(live.bundle.get("audience") or {}, rng, _branch_codes()):
        at = start + timedelta(seconds=rng.uniform(0, span))
        invited_by = rng.choice(codes) if codes and rng.random() < 0.4 else None
        for _ in range(rng.randint(1, 3)):
            traffic.count_view(
                redis_store.client, campaign.id, _visitor(sub), invited_by, at, live.tz
            )
            done["views"] += 1
        principal = Principal(channel.id, channel.key, sub, attrs)
        try:
            joined = participation.join(ref, live, principal, invited_by, now=at)
        except ApiProblem:
            continue
        codes.append(joined["referral_code"])
        done["joined"] += 1
        done["draws"] += _play(ref, live, principal, actions, at, rng)
        done["tasks"] += do_tasks(campaign.slug, live.bundle, channel, sub, rng)
    for n in range(PEOPLE // 2):  # visitors who looked and left
        at = start + timedelta(seconds=rng.uniform(0, span))
        traffic.count_view(redis_store.client, campaign.id, _visitor(f"x{n}"), None, at, live.tz)
        done["views"] += 1
    return done


def _widget_actions(bundle: dict[str, Any]) -> set[str]:
    import widgets

    return set(widgets.get(bundle["widget"]["type"]).actions)


def _play(ref, live, principal, actions: set[str], at: datetime, rng: random.Random) -> int:
    from runtime import activities, draw

    draws = 0
    if "draw" in actions:
        for n in range(rng.randint(1, MAX_DRAWS)):
            moment = min(at + timedelta(minutes=3 * (n + 1)), utcnow())
            try:
                draw.run_draw(ref, live, principal, None, now=moment)
                draws += 1
            except ApiProblem:
                break
    try:
        if "share" in actions and rng.random() < 0.5:
            activities.share(ref, live, principal, rng.choice(SHARE_CHANNELS))
        if "check_in" in actions:
            activities.check_in(ref, live, principal)
        if "vote" in actions:
            candidates = live.bundle["widget"]["config"].get("candidates") or []
            if candidates:
                activities.vote(ref, live, principal, str(rng.choice(candidates)["id"]))
    except ApiProblem:
        pass
    return draws


# (name, kind, status, branch code, month, day, months long or days long)
DEMO_PLAN = (
    ("春节红包季", "festival", "confirmed", "HQ", 1, 20, 25),
    ("一季度话题：开门红", "topic", "confirmed", "HQ", 1, 1, 90),
    ("二季度话题：理财节", "topic", "planned", "HQ", 4, 1, 91),
    ("618 年中狂欢", "campaign", "planned", "HQ", 6, 1, 20),
    ("三季度话题：暑期亲子", "topic", "planned", "HQ", 7, 1, 92),
    ("上海分行 夏日签到", "campaign", "planned", "SH001", 7, 10, 45),
    ("四季度话题：年终回馈", "topic", "planned", "HQ", 10, 1, 92),
    ("双十一 消费季", "campaign", "planned", "HQ", 11, 1, 12),
    ("每月图文：手机银行新功能", "content", "confirmed", "HQ", 3, 1, 275),
)


def plan_demo_year(year: int) -> int:
    """Head office's marketing calendar for `year` (seed 004), if nothing is planned yet."""
    from datetime import date

    from core.models import CalendarEntry

    if db.session.scalar(select(CalendarEntry.id).limit(1)) is not None:
        return 0
    branches = {code: bid for code, bid in db.session.execute(select(Branch.code, Branch.id))}
    for name, kind, status, code, month, day, length in DEMO_PLAN:
        if code not in branches:
            continue
        start = date(year, month, day)
        db.session.add(
            CalendarEntry(
                name=name,
                kind=kind,
                status=status,
                branch_id=branches[code],
                starts_on=start,
                ends_on=start + timedelta(days=length - 1),
            )
        )
    db.session.commit()
    return len(DEMO_PLAN)


def play_demo(seed: int = 2026) -> dict[str, int]:
    """Play the live demo campaigns that have no members yet; once the points they earned
    are issued, their members shop in the malls; then run the report jobs."""
    from builder.demo import DEMO_CHANNEL
    from builder.demo_loyalty import shop

    channel = db.session.scalar(select(Channel).where(Channel.name == DEMO_CHANNEL))
    if channel is None:
        return {}
    rng = random.Random(seed)
    played = {"campaigns": 0, "joined": 0, "draws": 0, "views": 0, "tasks": 0, "exchanges": 0}
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.status == "live").order_by(Campaign.id)
    ).all()
    new = []
    for campaign in campaigns:
        if db.session.scalar(
            select(Membership.id).where(Membership.campaign_id == campaign.id).limit(1)
        ):
            continue
        db.session.commit()
        for key, value in play_campaign(campaign, channel, rng).items():
            played[key] += value
        played["campaigns"] += 1
        new.append(campaign.slug)
    if played["campaigns"]:
        issue_internal_rewards()  # the points just earned, so members have some to spend
        channel = db.session.scalar(select(Channel).where(Channel.name == DEMO_CHANNEL))
        for slug in new:
            played["exchanges"] += shop(slug, channel, rng)
        run_report_jobs()
    played["planned"] = plan_demo_year(utcnow().year)
    return played


def issue_internal_rewards() -> None:
    """Issue what can be issued inside the bank (not webhooks)."""
    from rules.rewards import REWARD_KIND_KEYS
    from runtime.issuance.loop import IssuanceLoop

    db.session.commit()
    kinds = [k for k in REWARD_KIND_KEYS if k != "webhook"]
    IssuanceLoop(current_app._get_current_object(), kinds=kinds).run(burst=True)


def run_report_jobs() -> None:
    """Issue what can be issued inside the bank (not webhooks), then count everything."""
    from runtime.rollups import catch_up
    from runtime.rollups.insights import refresh_insights
    from runtime.rollups.states import refresh_reward_states
    from runtime.rollups.traffic import flush_traffic

    issue_internal_rewards()
    catch_up(db.session)
    refresh_reward_states(db.session)
    flush_traffic(db.session, redis_store.client)
    refresh_insights(db.session, redis_store.client)
