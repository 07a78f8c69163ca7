"""Scheduled work: campaign start/end and daily release at the campaign's local times,
overdue transitions run at once (audited, idempotent), expiry jobs, cron."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rq.cron import CronScheduler
from sqlalchemy import select

from core.extensions import redis_store
from core.models import AuditEntry, Campaign, Reward, utcnow
from runtime.issuance import coupons, jobs, scheduler
from runtime.issuance.expiry import expire_coupon_rewards
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import bundle, make_rewards, publish

PRIZES_WITH_RELEASE = [
    {
        "key": "cup",
        "name": "Cup",
        "weight": 1,
        "stock": 100,
        "daily_release": 10,
        "reward": {"kind": "physical"},
    },
    {
        "key": "thanks",
        "name": "Thanks",
        "weight": 1,
        "stock": None,
        "fallback": True,
        "reward": {"kind": "none"},
    },
]


def scheduled(app) -> dict[str, datetime]:
    registry = redis_store.queue(scheduler.QUEUE).scheduled_job_registry
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()}


def test_next_local_midnight_follows_the_zone_and_its_clock_changes():
    shanghai = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert scheduler.next_local_midnight(shanghai, ZoneInfo("Asia/Shanghai")) == datetime(
        2026, 3, 1, 16, 0, tzinfo=UTC
    )
    new_york = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # the day New York moves to EDT
    assert scheduler.next_local_midnight(new_york, ZoneInfo("America/New_York")) == datetime(
        2026, 3, 9, 4, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("zone", "start_utc", "end_utc"),
    [
        (
            "Asia/Shanghai",
            datetime(2030, 5, 1, 2, 0, tzinfo=UTC),
            datetime(2030, 5, 3, 1, 30, tzinfo=UTC),
        ),
        (
            "America/New_York",
            datetime(2030, 5, 1, 14, 0, tzinfo=UTC),
            datetime(2030, 5, 3, 13, 30, tzinfo=UTC),
        ),
    ],
)
def test_start_and_end_are_planned_at_the_campaigns_local_time(
    app, db, redis, zone, start_utc, end_utc
):
    campaign = publish(
        bundle(
            "timed", starts_at="2030-05-01T10:00:00", ends_at="2030-05-03T09:30:00", timezone=zone
        )
    )
    cid = campaign.id
    assert (campaign.starts_at, campaign.ends_at) == (start_utc, end_utc)

    early = scheduler.plan_campaign_times(app, now=start_utc - timedelta(minutes=10))
    first = scheduler.plan_campaign_times(app, now=start_utc - timedelta(minutes=3))
    again = scheduler.plan_campaign_times(app, now=start_utc - timedelta(minutes=2))
    closing = scheduler.plan_campaign_times(app, now=end_utc - timedelta(minutes=1))

    assert (early["planned"], first["planned"], again["planned"], closing["planned"]) == (
        0,
        1,
        0,
        1,
    )
    assert scheduled(app) == {
        f"cs-start-{cid}-{int(start_utc.timestamp())}": start_utc,
        f"cs-end-{cid}-{int(end_utc.timestamp())}": end_utc,
    }


def test_daily_release_is_planned_at_local_midnight(app, db, redis):
    campaign = publish(
        bundle(
            "daily",
            starts_at="2020-01-01T00:00:00",
            ends_at="2099-01-01T00:00:00",
            prizes=PRIZES_WITH_RELEASE,
        )
    )
    midnight = datetime(2030, 5, 1, 16, 0, tzinfo=UTC)  # 00:00 on 2 May in Shanghai

    scheduler.plan_campaign_times(app, now=midnight - timedelta(minutes=4))

    assert scheduled(app) == {f"cs-release-{campaign.id}-{int(midnight.timestamp())}": midnight}
    assert jobs.release_daily_stock(campaign.id) == "released"


def test_overdue_start_and_end_run_at_once_audited_and_once(app, db, redis):
    now = utcnow()
    waiting = publish(
        bundle("waiting", starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    )
    finished = publish(
        bundle("finished", starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    )
    future = publish(
        bundle("future", starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    )
    waiting.status, waiting.starts_at = "approved", now - timedelta(minutes=1)
    finished.ends_at = now - timedelta(minutes=1)
    future.status, future.starts_at = "approved", now + timedelta(hours=1)
    db.session.commit()
    ids = {c.slug: c.id for c in (waiting, finished, future)}

    done = scheduler.plan_campaign_times(app)
    repeat = scheduler.plan_campaign_times(app)

    assert (done["started"], done["ended"]) == (1, 1)
    assert (repeat["started"], repeat["ended"]) == (0, 0)
    status = dict(db.session.execute(select(Campaign.slug, Campaign.status)).all())
    assert status == {"waiting": "live", "finished": "ended", "future": "approved"}
    actions = db.session.execute(
        select(AuditEntry.action, AuditEntry.object_id).where(
            AuditEntry.action.in_(("campaign.start", "campaign.end"))
        )
    ).all()
    assert sorted(tuple(a) for a in actions) == [
        ("campaign.end", str(ids["finished"])),
        ("campaign.start", str(ids["waiting"])),
    ]
    assert jobs.start_campaign(ids["future"]) == "not due"
    assert jobs.end_campaign(ids["waiting"]) == "not due"


def test_expire_rewards_marks_lapsed_codes_once(app, db, campaign, people, issuance_config):
    coupons.upload_codes(db.session, "week", "W1\nW2\n", valid_days=7)
    db.session.commit()
    ids = make_rewards(campaign.id, [people[0].id], "coupon_code", {"pool": "week"}, 2)
    IssuanceLoop(app, kinds=["coupon_code"]).run(burst=True)

    assert expire_coupon_rewards(db.session, utcnow() + timedelta(days=6)) == 0
    assert expire_coupon_rewards(db.session, utcnow() + timedelta(days=8)) == 2
    db.session.commit()
    assert expire_coupon_rewards(db.session, utcnow() + timedelta(days=8)) == 0

    results = db.session.scalars(select(Reward.result).where(Reward.id.in_(ids))).all()
    assert all(r["expired"] is True and r["code"] for r in results)


def test_only_one_cron_scheduler_leads(app, redis):
    leader = scheduler.Leadership(redis, key="cs:test:leader", ttl=30)
    other = scheduler.Leadership(redis, key="cs:test:leader", ttl=30)

    assert leader.acquire(wait=False) and not other.acquire(wait=False)
    assert leader.renew() and not other.renew()
    redis.delete("cs:test:leader")  # the leader's lease lapsed
    assert other.acquire(wait=False) and not leader.renew()


def test_every_periodic_job_registers_with_rq_cron(app):
    cron = CronScheduler(connection=redis_store.raw)
    for path, interval, *_ in scheduler.PERIODIC:
        module, name = path.rsplit(".", 1)
        func = getattr(importlib.import_module(module), name)
        assert callable(func) and interval >= 30
        cron.register(func, queue_name=scheduler.QUEUE, interval=interval)
    assert len(cron.get_jobs()) == len(scheduler.PERIODIC)
