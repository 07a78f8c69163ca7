"""Crash tests with real processes: issuance loops SIGKILLed 50 times mid-run, and Redis
killed -9 and restarted mid-run. Afterwards every reward is issued exactly once: once in the
points ledger / code pool, once at the partner's endpoint, none lost, none twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_lib
from rq import Queue, Retry
from sqlalchemy import func, select

from core.models import CouponCode, PointsEntry, Reward
from core.redis_server import EmbeddedRedis
from runtime.issuance import coupons, points
from tests.conftest import REPO_ROOT, server_environment
from tests.issuance.factories import make_participants, reward_rows
from tests.issuance.fake_fulfilment import FakeFulfilment

pytestmark = pytest.mark.slow
SECRET = "crash-secret"
MIX = (
    ("points", {"amount": 7}, 5),
    ("coupon_code", {"pool": "crash-pool"}, 2),
    ("webhook", {"sku": "GIFT"}, 2),
    ("none", {}, 1),
)


def spawn_loop(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", "issuance", "loop"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


def insert_rewards(db, campaign_id: int, people: list[int], rounds: int) -> None:
    from core.models import utcnow

    rows = []
    for kind, payload, weight in MIX:
        rows += reward_rows(campaign_id, people, kind, payload, weight * rounds, max_attempts=25)
    now = utcnow()
    for row in rows:
        row.update(available_at=now, created_at=now, updated_at=now)
    db.session.execute(Reward.__table__.insert(), rows)
    db.session.commit()


def environment(app_config, partner: FakeFulfilment, **extra) -> dict[str, str]:
    env = server_environment(app_config)
    env.update(
        ISSUANCE_WEBHOOK_URL=partner.url,
        ISSUANCE_WEBHOOK_SECRET=SECRET,
        ISSUANCE_LEASE_SECONDS="2",
        ISSUANCE_BATCH_SIZE="40",
        ISSUANCE_EXTERNAL_BATCH_SIZE="16",
        ISSUANCE_BACKOFF_MS="50",
        ISSUANCE_POLL_MS="100",
        ISSUANCE_WEBHOOK_TIMEOUT_MS="2000",
        STUDIO_LOG_FORMAT="text",
        **extra,
    )
    return env


def wait_settled(db, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        counts = dict(
            db.session.execute(select(Reward.status, func.count()).group_by(Reward.status)).all()
        )
        db.session.commit()
        if set(counts) == {"issued"} or time.monotonic() > deadline:
            return counts
        time.sleep(0.3)


def assert_exactly_once(db, partner: FakeFulfilment, people: list[int], campaign_id: int) -> None:
    rewards = db.session.execute(
        select(Reward.id, Reward.kind, Reward.participant_id, Reward.result)
    ).all()
    by_kind: dict[str, list] = {}
    for row in rewards:
        by_kind.setdefault(row.kind, []).append(row)
    ledger = (
        db.session.execute(select(PointsEntry.reward_id).where(PointsEntry.reward_id.is_not(None)))
        .scalars()
        .all()
    )
    assert sorted(ledger) == sorted(r.id for r in by_kind["points"])  # once each, none missing
    codes = db.session.execute(
        select(CouponCode.reward_id, CouponCode.code).where(CouponCode.reward_id.is_not(None))
    ).all()
    assert sorted(c.reward_id for c in codes) == sorted(r.id for r in by_kind["coupon_code"])
    assert {r.id: r.result["code"] for r in by_kind["coupon_code"]} == dict(codes)
    webhook_ids = {str(r.id) for r in by_kind["webhook"]}
    assert set(partner.applied) == webhook_ids  # applied once per key at the partner
    assert set(partner.deliveries) == webhook_ids and partner.bad_signatures == 0
    expected = {pid: 0 for pid in people}
    for row in by_kind["points"]:
        expected[row.participant_id] += 7
    assert {pid: points.balance(pid, campaign_id, db.session) for pid in people} == expected
    db.session.commit()


def prepare(db, campaign, total_rounds: int) -> list[int]:
    people = [p.id for p in make_participants(40)]
    codes = "\n".join(f"CODE-{n:06d}" for n in range(2 * total_rounds + 10))
    coupons.upload_codes(db.session, "crash-pool", codes)
    db.session.commit()
    return people


def test_sigkill_workers_fifty_times(app, db, app_config, campaign, tmp_path):
    rounds, batches = 60, 10  # 10 x 60 x 10 = 6,000 rewards, inserted while workers die
    people = prepare(db, campaign, rounds * batches)
    partner = FakeFulfilment(SECRET, fail_ratio=0.03, delay=(0.001, 0.01)).start()
    env = environment(app_config, partner)
    log = tmp_path / "workers.log"
    workers = [spawn_loop(env, log) for _ in range(4)]
    born = [time.monotonic()] * len(workers)
    kills, inserted, rng = 0, 0, random.Random(5)
    lifetimes = [rng.uniform(2.0, 4.0) for _ in range(200)]  # startup takes ~2-3 s here
    try:
        while kills < 50:
            if inserted < batches and kills % 5 == 0:
                insert_rewards(db, campaign.id, people, rounds)
                inserted += 1
            time.sleep(0.05)
            for victim, process in enumerate(workers):
                if time.monotonic() - born[victim] < lifetimes[kills] or kills >= 50:
                    continue
                process.send_signal(signal.SIGKILL)
                process.wait()
                kills += 1
                workers[victim], born[victim] = spawn_loop(env, log), time.monotonic()
        while inserted < batches:
            insert_rewards(db, campaign.id, people, rounds)
            inserted += 1
        counts = wait_settled(db, timeout=45)
        assert counts == {"issued": rounds * batches * 10}, counts
        assert_exactly_once(db, partner, people, campaign.id)
        redelivered = sum(partner.deliveries.values()) - len(partner.deliveries)
        print(f"\n{kills} kills; {redelivered} webhook redeliveries deduplicated by key")
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
        partner.stop()


def test_redis_killed_and_restarted(app, db, app_config, campaign, tmp_path):
    rounds = 100
    people = prepare(db, campaign, rounds * 3)
    server = EmbeddedRedis(tmp_path / "own-redis")
    url = server.start()
    client = redis_lib.Redis.from_url(url)
    queue = Queue("default", connection=client)
    for n in range(300):  # queued work that must survive Redis dying (AOF)
        queue.enqueue(
            "runtime.issuance.jobs.grant_points",
            people[n % len(people)],
            3,
            f"bulk:{n}",
            "deposit bonus",
            retry=Retry(max=3),
            job_timeout=30,
        )
    partner = FakeFulfilment(SECRET, delay=(0.001, 0.005)).start()
    env = environment(app_config, partner, REDIS_URL=url)
    log = tmp_path / "workers.log"
    rq_cmd = [sys.executable, "-m", "core.cli", "issuance", "rq", "--queue", "default"]
    children = {
        "loop": spawn_loop(env, log),
        "rq": subprocess.Popen(
            rq_cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab")
        ),
    }
    try:
        insert_rewards(db, campaign.id, people, rounds)
        time.sleep(2.5)
        os.killpg(server.process.pid, signal.SIGKILL)  # kill -9 Redis mid-run
        server.process.wait()
        insert_rewards(db, campaign.id, people, rounds)  # the outbox keeps working
        time.sleep(2)
        restarted = EmbeddedRedis(tmp_path / "own-redis")
        assert restarted.start() == url
        insert_rewards(db, campaign.id, people, rounds)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            for name, child in children.items():  # act as the supervisor
                if child.poll() is not None:
                    argv = rq_cmd if name == "rq" else None
                    children[name] = (
                        subprocess.Popen(
                            argv,
                            cwd=REPO_ROOT,
                            env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=log.open("ab"),
                        )
                        if argv
                        else spawn_loop(env, log)
                    )
            credited = db.session.scalar(
                select(func.count(PointsEntry.id)).where(PointsEntry.source_key.like("bulk:%"))
            )
            db.session.commit()
            if credited == 300 and wait_settled(db, 0) == {"issued": rounds * 3 * 10}:
                break
            if queue.count == 0 and credited < 300:
                # a job in flight at the kill is "abandoned" once its heartbeat lapses (>60 s);
                # run RQ's own cleanup as if that time had passed, so Retry re-enqueues it
                queue.started_job_registry.cleanup(time.time() + 3600)
            time.sleep(0.5)
        assert credited == 300, f"{credited} of 300 queued jobs applied"
        bulk = {
            pid: 3 * sum(1 for n in range(300) if people[n % len(people)] == pid) for pid in people
        }
        assert {pid: points.balance(pid, 0, db.session) for pid in people} == bulk
        assert wait_settled(db, 0) == {"issued": rounds * 3 * 10}
        assert_exactly_once(db, partner, people, campaign.id)
    finally:
        for child in children.values():
            child.kill()
            child.wait()
        partner.stop()
        if restarted_process := getattr(locals().get("restarted"), "process", None):
            restarted_process.terminate()
            restarted_process.wait()
