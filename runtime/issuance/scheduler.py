"""Scheduled work on RQ's own scheduling.

* Periodic jobs run from one `rq.cron.CronScheduler` process (RQ 2's cron). `studio worker`
  starts one per machine; a Redis lease makes exactly one of them active across machines.
* Exact-time work (a campaign's start and end, local midnight stock release) is enqueued
  with `Queue.enqueue_at` a few minutes ahead by `campaign_clock`, and moved onto the queue
  by the RQ workers' built-in scheduler (`with_scheduler=True`). Job ids are deterministic,
  so planning twice enqueues once; every job re-checks the database before acting.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from rq.job import Job
from sqlalchemy import select

from core.extensions import db, redis_store
from core.models import Campaign, CampaignVersion, utcnow

logger = logging.getLogger(__name__)

QUEUE = "default"
PLAN_AHEAD = timedelta(minutes=5)
LEADER_KEY = "cs:cron:leader"
LEADER_TTL = 30

PERIODIC = (
    # (function path, interval seconds[, job timeout seconds])
    ("runtime.issuance.jobs.campaign_clock", 30),
    ("runtime.issuance.jobs.roll_up", 60, 300),
    ("runtime.issuance.jobs.flush_traffic", 60),
    ("runtime.issuance.jobs.refresh_insights", 300),
    ("runtime.issuance.jobs.reconcile_all", 600),
    ("runtime.issuance.jobs.expire_points", 3600),
    ("runtime.issuance.jobs.expire_rewards", 3600),
)


def _enqueue_at(when: datetime, func: str, job_id: str, *args) -> bool:
    connection = redis_store.raw
    if Job.exists(job_id, connection=connection):
        return False
    redis_store.queue(QUEUE).enqueue_at(when, func, *args, job_id=job_id, result_ttl=3600)
    return True


def _zone(snapshot: dict | None, app: Flask) -> ZoneInfo:
    name = ((snapshot or {}).get("schedule") or {}).get("timezone")
    try:
        return ZoneInfo(name or app.config.get("STUDIO_TIMEZONE", "Asia/Shanghai"))
    except Exception:  # noqa: BLE001 - a bad zone in old data falls back to the default
        return ZoneInfo(app.config.get("STUDIO_TIMEZONE", "Asia/Shanghai"))


def next_local_midnight(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return midnight.astimezone(now.tzinfo)


def plan_campaign_times(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """Run overdue transitions now; enqueue_at the ones due within PLAN_AHEAD."""
    from runtime.issuance import jobs

    now = now or utcnow()
    horizon = now + PLAN_AHEAD
    rows = db.session.execute(
        select(
            Campaign.id,
            Campaign.status,
            Campaign.starts_at,
            Campaign.ends_at,
            CampaignVersion.snapshot,
        )
        .outerjoin(CampaignVersion, CampaignVersion.id == Campaign.published_version_id)
        .where(Campaign.status.in_(("approved", "live", "paused")))
    ).all()
    db.session.rollback()
    done = {"started": 0, "ended": 0, "planned": 0}
    for cid, status, starts_at, ends_at, snapshot in rows:
        if ends_at is not None and ends_at <= now:
            jobs.end_campaign(cid)
            done["ended"] += 1
            continue
        if status == "approved" and starts_at is not None and starts_at <= now:
            jobs.start_campaign(cid)
            done["started"] += 1
        planned = []
        if starts_at is not None and now < starts_at <= horizon:
            planned.append((starts_at, "runtime.issuance.jobs.start_campaign", "start"))
        if ends_at is not None and now < ends_at <= horizon:
            planned.append((ends_at, "runtime.issuance.jobs.end_campaign", "end"))
        if status == "live" and _has_daily_release(snapshot):
            midnight = next_local_midnight(now, _zone(snapshot, app))
            if midnight <= horizon:
                planned.append((midnight, "runtime.issuance.jobs.release_daily_stock", "release"))
        for when, func, label in planned:
            job_id = f"cs-{label}-{cid}-{int(when.timestamp())}"
            done["planned"] += int(_enqueue_at(when, func, job_id, cid))
    return done


def _has_daily_release(snapshot: dict | None) -> bool:
    return any(p.get("daily_release") for p in (snapshot or {}).get("prizes") or [])


class Leadership:
    """A Redis lease: only the holder runs the cron scheduler; lost lease => exit."""

    def __init__(self, client, key: str = LEADER_KEY, ttl: int = LEADER_TTL):
        self.client, self.key, self.ttl = client, key, ttl
        self.token = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self, wait: bool = True) -> bool:
        while True:
            if self.client.set(self.key, self.token, nx=True, ex=self.ttl):
                return True
            if not wait:
                return False
            time.sleep(self.ttl / 3)

    def renew(self) -> bool:
        script = (
            "if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"
        )
        return bool(self.client.eval(script, 1, self.key, self.token, self.ttl))

    def keep(self) -> None:
        def renew_forever():
            while True:
                time.sleep(self.ttl / 3)
                try:
                    held = self.renew()
                except Exception:  # noqa: BLE001 - Redis gone: give up leadership
                    held = False
                if not held:
                    logger.error("cron leadership lost; exiting so another scheduler takes over")
                    os._exit(3)

        threading.Thread(target=renew_forever, daemon=True, name="cron-lease").start()


def run_cron(app: Flask) -> None:
    """The cron process: wait for leadership, register the periodic jobs, run RQ's cron."""
    from rq.cron import CronScheduler

    leadership = Leadership(redis_store.client)
    logger.info("cron scheduler waiting for leadership")
    leadership.acquire()
    leadership.keep()
    cron = CronScheduler(connection=redis_store.raw, logging_level="INFO")
    for func_path, interval, *timeout in PERIODIC:
        module, name = func_path.rsplit(".", 1)
        func = getattr(importlib.import_module(module), name)
        cron.register(
            func,
            queue_name=QUEUE,
            interval=interval,
            result_ttl=3600,
            job_timeout=timeout[0] if timeout else None,
        )
    logger.info("cron scheduler leading with %s periodic jobs", len(PERIODIC))
    cron.start()
