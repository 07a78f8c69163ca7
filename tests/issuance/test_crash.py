"""Crash tests with real processes: issuance loops SIGKILLed 50 times mid-run, and Redis
killed -9 and restarted mid-run. Afterwards every reward is issued exactly once: once in the
points ledger / code pool, once at the partner's endpoint, none lost, none twice."""

from __future__ import annotations

import os
import random
import signal
import socket
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
from runtime.issuance.loop import WORKER_KEY, wake
from tests.conftest import REPO_ROOT, server_environment
from tests.issuance.factories import make_participants, reward_rows
from tests.issuance.fake_fulfilment import FakeFulfilment
from tests.issuance.launcher import LoopLauncher

pytestmark = pytest.mark.slow
SECRET = "crash-secret"
MIX = (
    ("points", {"amount": 7}, 5),
    ("coupon_code", {"pool": "crash-pool"}, 2),
    ("webhook", {"sku": "GIFT"}, 2),
    ("none", {}, 1),
)


def spawn_loop(env: dict[str, str], log: Path) -> subprocess.Popen:
    """A loop process exactly as `studio worker` starts one (the lean entry point)."""
    return subprocess.Popen(
        [sys.executable, "-m", "runtime.issuance", "loop"],
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
        PYTHONFAULTHANDLER="1",  # SIGABRT dumps every thread's stack into the log
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
    assert set(partner.deliveries) == webhook_ids
    assert partner.bad_signatures == 0, partner.bad_requests
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


def reclaimed_internal(db) -> int:
    """Internal rewards that needed more than one claim: only a worker killed while holding
    their claim (lease expired, reclaimed) does that, so this proves kills landed mid-batch."""
    count = db.session.scalar(
        select(func.count(Reward.id)).where(
            Reward.kind.in_(("points", "coupon_code", "none")), Reward.attempts > 1
        )
    )
    db.session.commit()
    return count


def is_ready(client: redis_lib.Redis, pid: int) -> bool:
    """The loop wrote its first heartbeat: it is past startup and claiming."""
    return bool(client.exists(WORKER_KEY.format(f"{socket.gethostname()}.{pid}")))


def wait_for_a_claim(db, workers, deadline: float) -> int | None:
    """The index of a worker holding a claim on an internal reward (a batch in its hands), as
    soon as one does; None if none did before the deadline."""
    by_pid = {w.pid: n for n, w in enumerate(workers)}
    while time.monotonic() < deadline:
        tokens = db.session.scalars(
            select(Reward.claimed_by).where(
                Reward.status == "issuing", Reward.kind.in_(("points", "coupon_code", "none"))
            )
        ).all()
        db.session.commit()
        for token in tokens:  # "<host>.<pid>:<random>" (runtime.issuance.claim.new_token)
            pid = token.split(":")[0].rsplit(".", 1)[-1] if token else ""
            if pid.isdigit() and int(pid) in by_pid:
                return by_pid[int(pid)]
        time.sleep(0.002)
    return None


def test_sigkill_workers_fifty_times(app, db, redis, app_config, campaign, tmp_path):
    kills, rounds = 50, 8  # before each kill 8 x 10 rewards: 4,000 in all
    people = prepare(db, campaign, kills * rounds)
    partner = FakeFulfilment(SECRET, fail_ratio=0.03, delay=(0.001, 0.01)).start()
    env = environment(app_config, partner)
    log = tmp_path / "workers.log"
    launcher = LoopLauncher()
    workers = [launcher.spawn(env, log) for _ in range(4)]
    rng = random.Random(5)
    killed_holding: list[int] = []
    started = time.monotonic()
    try:
        for _ in range(kills):
            wait_until(lambda: any(is_ready(redis, w.pid) for w in workers), 30, "no loop ready")
            victim = rng.choice([n for n, w in enumerate(workers) if is_ready(redis, w.pid)])
            insert_rewards(db, campaign.id, people, rounds)
            for _ in workers:
                wake(redis)
            if len(killed_holding) < 10:  # the first kills wait for a claim to be held
                holder = wait_for_a_claim(db, workers, deadline=time.monotonic() + 1.0)
                if holder is not None:
                    victim = holder
                    killed_holding.append(victim)
            else:
                time.sleep(rng.uniform(0.0, 0.25))  # a random moment while the loops drain it
            workers[victim].kill()  # SIGKILL
            workers[victim].join()
            assert workers[victim].exitcode == -signal.SIGKILL
            workers[victim] = launcher.spawn(env, log)
        killing = time.monotonic() - started
        counts = wait_settled(db, timeout=45)
        assert counts == {"issued": kills * rounds * 10}, counts
        assert_exactly_once(db, partner, people, campaign.id)
        reclaimed = reclaimed_internal(db)
        assert reclaimed > 0, "no kill interrupted a claimed batch"
        redelivered = sum(partner.deliveries.values()) - len(partner.deliveries)
        print(
            f"\n{kills} kills ({len(killed_holding)} of a worker seen holding a claim); "
            f"{reclaimed} internal rewards reclaimed from killed workers; "
            f"{redelivered} webhook redeliveries deduplicated by key; "
            f"{killing:.0f} s of kills, {time.monotonic() - started - killing:.0f} s to settle"
        )
    finally:
        for worker in workers:
            worker.kill()
            worker.join()
        partner.stop()


def count_where(db, *conditions) -> int:
    count = db.session.scalar(select(func.count()).where(*conditions))
    db.session.commit()
    return count


def issued(db) -> int:
    return count_where(db, Reward.status == "issued")


def bulk_credits(db) -> int:
    return count_where(db, PointsEntry.source_key.like("bulk:%"))


def stacks_of_live(children: dict[str, subprocess.Popen], log: Path) -> str:
    """Dump the stacks of children still alive (faulthandler on SIGABRT); the log's tail."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGABRT)
            child.wait()
    return log.read_text(errors="replace")[-6000:]


def wait_until(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def clean_intermediate(queue: Queue) -> None:
    """RQ's own clean-up of its intermediate queue (a worker's maintenance), as if each job in
    it had been seen there a minute ago: a job stuck there fails and its Retry re-enqueues it."""
    from rq import Worker
    from rq.intermediate_queue import IntermediateQueue

    stuck = IntermediateQueue(queue.key, connection=queue.connection)
    for job_id in stuck.get_job_ids():
        queue.connection.set(stuck.get_first_seen_key(job_id), time.time() - 120)
    stuck.cleanup(Worker([queue], connection=queue.connection), queue)


def test_redis_killed_and_restarted(app, db, app_config, campaign, tmp_path):
    rounds, jobs = 40, 120  # 3 x 40 x 10 = 1,200 rewards; 120 queued RQ jobs
    people = prepare(db, campaign, rounds * 3)
    server = EmbeddedRedis(tmp_path / "own-redis")
    url = server.start()
    queue = Queue("default", connection=redis_lib.Redis.from_url(url))
    for n in range(jobs):  # queued work that must survive Redis dying (AOF)
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

    def spawn(name: str) -> subprocess.Popen:
        if name == "loop":
            return spawn_loop(env, log)
        return subprocess.Popen(
            rq_cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab")
        )

    children = {name: spawn(name) for name in ("loop", "rq")}
    restarted, started = None, time.monotonic()
    marks: list[tuple[str, float]] = []

    def mark(name: str) -> None:
        marks.append((name, time.monotonic() - started))

    try:
        insert_rewards(db, campaign.id, people, rounds)
        wait_until(lambda: bulk_credits(db) > 0, 30, "the RQ worker applied no queued job")
        os.killpg(server.process.pid, signal.SIGKILL)  # kill -9 Redis mid-run
        server.process.wait()
        mark("redis killed")
        assert bulk_credits(db) < jobs, "the queue drained before Redis was killed"
        insert_rewards(db, campaign.id, people, rounds)  # the outbox keeps working
        wait_until(
            lambda: issued(db) == 2 * rounds * 10, 20, "the outbox stalled while Redis was down"
        )
        mark("outbox drained without redis")
        restarted = EmbeddedRedis(tmp_path / "own-redis")
        assert restarted.start() == url
        mark("redis restarted")
        insert_rewards(db, campaign.id, people, rounds)
        mark("third batch inserted")
        deadline = time.monotonic() + 90  # generous: CI machines are shared and loaded
        while time.monotonic() < deadline:
            for name, child in children.items():  # act as the supervisor
                if child.poll() is not None:
                    children[name] = spawn(name)
                    mark(f"{name} restarted")
            if bulk_credits(db) == jobs and issued(db) == rounds * 3 * 10:
                break
            if queue.count == 0 and bulk_credits(db) < jobs:
                # a job in flight at the kill is "abandoned" once its heartbeat lapses (>60 s);
                # run RQ's own cleanup as if that time had passed, so Retry re-enqueues it
                queue.started_job_registry.cleanup(time.time() + 3600)
                # a job the killed worker had moved but not started sits in RQ's intermediate
                # queue until it has been seen there for a minute: clean it up as RQ would
                clean_intermediate(queue)
            time.sleep(0.3)
        if bulk_credits(db) != jobs:
            phases = ", ".join(f"{name} {at:.1f}s" for name, at in marks)
            pytest.fail(
                f"{bulk_credits(db)} of {jobs} queued jobs applied; {phases}; "
                f"issued {issued(db)}\n{stacks_of_live(children, log)}"
            )
        bulk = {
            pid: 3 * sum(1 for n in range(jobs) if people[n % len(people)] == pid) for pid in people
        }
        assert {pid: points.balance(pid, 0, db.session) for pid in people} == bulk
        assert wait_settled(db, 0) == {"issued": rounds * 3 * 10}
        assert_exactly_once(db, partner, people, campaign.id)
        mark("checked")
        print("\n" + ", ".join(f"{name} {at:.1f}s" for name, at in marks))
    finally:
        for child in children.values():
            child.kill()
            child.wait()
        partner.stop()
        if restarted is not None and restarted.process is not None:
            restarted.process.terminate()
            restarted.process.wait()
