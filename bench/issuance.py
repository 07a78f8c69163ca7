"""Rewards issued per second by one issuance loop through the outbox (points + coupon codes)
against the same number issued as one RQ job each, measured in one run on a fresh database
and a private embedded Redis. Both paths are checked afterwards: one ledger entry per points
reward, one code per coupon reward, every reward issued.

    .venv/bin/python bench/issuance.py [--rewards 4000] [--batch-size 200]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:55432/studio_bench]

Without --database-url (or DATABASE_URL) it uses a fresh SQLite file in a temporary
directory. A given database is WIPED (all tables dropped and recreated): use a scratch one.
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rewards", type=int, default=4000, help="rewards per path")
    parser.add_argument("--batch-size", type=int, default=None, help="ISSUANCE_BATCH_SIZE")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="scratch database to WIPE and use (default: a fresh SQLite file)",
    )
    return parser.parse_args()


def check_effects(kind_counts: dict[str, int]) -> None:
    """Every reward issued, each with exactly one effect (fails loudly otherwise)."""
    from sqlalchemy import func, select

    from core.extensions import db
    from core.models import CouponCode, PointsEntry, Reward

    session = db.session
    rows = session.execute(select(Reward.status, func.count()).group_by(Reward.status)).all()
    statuses = {status: count for status, count in rows}
    entries = session.scalar(select(func.count(func.distinct(PointsEntry.reward_id))))
    all_entries = session.scalar(select(func.count(PointsEntry.id)))
    codes = session.scalar(select(func.count(CouponCode.reward_id)))
    session.commit()
    total = sum(kind_counts.values())
    assert statuses == {"issued": total}, statuses
    assert entries == all_entries == kind_counts["points"], (entries, all_entries)
    assert codes == kind_counts["coupon_code"], codes


def main() -> None:
    args = parse_args()
    os.environ.setdefault("STUDIO_ENV", "testing")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-0123456789abcdefghij")
    logging.disable(logging.WARNING)

    from rq import SimpleWorker
    from sqlalchemy import create_engine

    from core import create_app
    from core.extensions import db, redis_store
    from core.models import Base
    from core.redis_server import EmbeddedRedis
    from runtime.issuance import coupons
    from runtime.issuance.loop import IssuanceLoop
    from tests.issuance.factories import make_campaign, make_participants, make_rewards

    work = Path(tempfile.mkdtemp(prefix="issuance-bench-"))
    database = args.database_url or f"sqlite:///{work / 'bench.db'}"
    engine = create_engine(database)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    redis_server = EmbeddedRedis(work / "redis")
    config = {
        "SQLALCHEMY_DATABASE_URI": database,
        "REDIS_URL": redis_server.start(),
        "INSTANCE_PATH": str(work),
        "RATELIMIT_ENABLED": False,
    }
    if args.batch_size:
        config["ISSUANCE_BATCH_SIZE"] = str(args.batch_size)
    app = create_app(config)
    n = args.rewards
    with app.app_context():
        batch_size = app.config.get("ISSUANCE_BATCH_SIZE", "200 (default)")
        campaign_id = make_campaign("issuance-bench").id
        people = [p.id for p in make_participants(200)]
        coupons.upload_codes(
            db.session, "bench-pool", "\n".join(f"C{i:08d}" for i in range(2 * n + 10))
        )
        db.session.commit()
        half = n // 2

        def seed() -> list[int]:
            return make_rewards(campaign_id, people, "points", {"amount": 10}, half) + make_rewards(
                campaign_id, people, "coupon_code", {"pool": "bench-pool"}, n - half
            )

        seed()
        started = time.perf_counter()
        issued = IssuanceLoop(app, kinds=["points", "coupon_code"]).run(burst=True)
        outbox_seconds = time.perf_counter() - started
        assert issued == n, issued
        check_effects({"points": half, "coupon_code": n - half})

        ids = seed()
        queue = redis_store.queue("issuance")
        for reward_id in ids:
            queue.enqueue("runtime.issuance.jobs.issue_reward", reward_id, result_ttl=0)
        worker = SimpleWorker([queue], connection=redis_store.raw)
        started = time.perf_counter()
        worker.work(burst=True, logging_level="ERROR")
        jobs_seconds = time.perf_counter() - started
        check_effects({"points": 2 * half, "coupon_code": 2 * (n - half)})
    redis_server.stop()
    outbox_rate, jobs_rate = n / outbox_seconds, n / jobs_seconds
    backend = database.split(":", 1)[0]
    print(f"backend: {backend}; rewards per path: {n} (half points, half coupon codes)")
    print(
        f"outbox loop (1 process, batch size {batch_size}): {outbox_rate:8.0f} rewards/s "
        f"({outbox_seconds:.2f} s)"
    )
    print(
        f"one RQ job per reward (SimpleWorker):    {jobs_rate:8.0f} rewards/s "
        f"({jobs_seconds:.2f} s)"
    )
    print(f"ratio: {outbox_rate / jobs_rate:.1f}x (targets: >= 2000/s and >= 7x)")


if __name__ == "__main__":
    main()
