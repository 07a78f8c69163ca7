"""Rewards issued per second by one issuance loop through the outbox (points + coupon codes)
against the same number issued as one RQ job each, measured in one run on a fresh SQLite
database (or DATABASE_URL) and a private embedded Redis.

    .venv/bin/python bench/issuance.py [--rewards 4000]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rewards", type=int, default=4000)
    args = parser.parse_args()
    os.environ.setdefault("STUDIO_ENV", "testing")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-0123456789abcdefghij")
    logging.disable(logging.WARNING)

    from rq import SimpleWorker
    from sqlalchemy import create_engine, func, select

    from core import create_app
    from core.extensions import db, redis_store
    from core.models import Base, Reward
    from core.redis_server import EmbeddedRedis
    from runtime.issuance import coupons
    from runtime.issuance.loop import IssuanceLoop
    from tests.issuance.factories import make_campaign, make_participants, make_rewards

    work = Path(tempfile.mkdtemp(prefix="issuance-bench-"))
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'bench.db'}"
    engine = create_engine(database)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    redis_server = EmbeddedRedis(work / "redis")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "REDIS_URL": redis_server.start(),
            "INSTANCE_PATH": str(work),
            "RATELIMIT_ENABLED": False,
        }
    )
    n = args.rewards
    with app.app_context():
        campaign_id = make_campaign("issuance-bench").id
        people = [p.id for p in make_participants(200)]
        coupons.upload_codes(
            db.session, "bench-pool", "\n".join(f"C{i:08d}" for i in range(2 * n + 10))
        )
        db.session.commit()

        def seed() -> list[int]:
            half = n // 2
            return make_rewards(campaign_id, people, "points", {"amount": 10}, half) + make_rewards(
                campaign_id, people, "coupon_code", {"pool": "bench-pool"}, n - half
            )

        seed()
        started = time.perf_counter()
        issued = IssuanceLoop(app, kinds=["points", "coupon_code"]).run(burst=True)
        outbox_seconds = time.perf_counter() - started
        assert issued == n, issued

        ids = seed()
        queue = redis_store.queue("issuance")
        for reward_id in ids:
            queue.enqueue("runtime.issuance.jobs.issue_reward", reward_id, result_ttl=0)
        worker = SimpleWorker([queue], connection=redis_store.raw)
        started = time.perf_counter()
        worker.work(burst=True, logging_level="ERROR")
        jobs_seconds = time.perf_counter() - started
        done = db.session.scalar(select(func.count()).where(Reward.status == "issued"))
        db.session.commit()
        assert done == 2 * n, done
    redis_server.stop()
    outbox_rate, jobs_rate = n / outbox_seconds, n / jobs_seconds
    backend = database.split(":", 1)[0]
    print(f"backend: {backend}; rewards per run: {n} (half points, half coupon codes)")
    print(
        f"outbox loop (1 process, batches of 200): {outbox_rate:8.0f} rewards/s "
        f"({outbox_seconds:.2f} s)"
    )
    print(
        f"one RQ job per reward (SimpleWorker):    {jobs_rate:8.0f} rewards/s "
        f"({jobs_seconds:.2f} s)"
    )
    print(f"ratio: {outbox_rate / jobs_rate:.1f}x (targets: >= 2000/s and >= 7x)")


if __name__ == "__main__":
    main()
