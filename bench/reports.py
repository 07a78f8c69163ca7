"""Reports on a month of a big bank: the campaign report, the head office overview and the
rollup catch-up of one peak hour, each against computing the same figures from the raw
ledgers in the same run.

    .venv/bin/python bench/reports.py                     (SQLite in a temporary directory)
    .venv/bin/python bench/reports.py --database-url postgresql+psycopg://... --reset-database
        [--draws 1000000] [--participants 300000] [--peak 2120000] [--repeat 5]

Generates (bench/reports_data.py) 400 sub-branches in 30 regions, eight campaigns over 30
days, `--participants` people joining them, `--draws` draws with their rewards and shares;
rolls everything up (timed); then times, warm, the median of `--repeat` requests of
  * the campaign report of the biggest campaign (whole run, every table and chart) and
  * the head office overview (the last 15 days against the 15 before, all 30 regions),
through the studio (HTTP requests to the app, signed in as head office), and the same
figures computed from the raw ledgers with GROUP BY queries (the baseline); then writes
`--peak` plays into one hour and times the catch-up of the rollups. Targets: campaign report
< 300 ms, overview < 500 ms, peak-hour catch-up < 60 s. A given database is WIPED.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import reports_data as data  # noqa: E402

PASSWORD = "bench-password-123"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=300_000)
    parser.add_argument("--peak", type=int, default=2_120_000, help="plays in the peak hour")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--reset-database", action="store_true", help="wipe the given database")
    return parser.parse_args()


def timed(func, repeat: int) -> tuple[float, object]:
    """Median seconds of `repeat` warm calls (one warm-up call first) and the last result."""
    result = func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def raw_sql(dialect: str) -> dict[str, str]:
    """The figures of the campaign report and the overview, from the raw ledgers."""
    if dialect == "postgresql":
        day = "(({c}) AT TIME ZONE 'Asia/Shanghai')::date"
        hour = "date_trunc('hour', {c})"
        cents = "COALESCE((r.payload->>'amount_cents')::bigint, 0)"
    else:
        day = "date({c}, '+8 hours')"
        hour = "substr({c}, 1, 13)"
        cents = "COALESCE(json_extract(r.payload, '$.amount_cents'), 0)"
    d_day, d_hour = day.format(c="d.created_at"), hour.format(c="d.created_at")
    return {
        "draws by day, branch, prize": (
            f"SELECT {d_day}, d.branch_code, d.prize_key, d.won, COUNT(*) FROM draws d "
            "WHERE d.campaign_id = :c GROUP BY 1, 2, 3, 4"
        ),
        "draws by hour": (
            f"SELECT {d_hour}, COUNT(*) FROM draws d WHERE d.campaign_id = :c GROUP BY 1"
        ),
        "people who drew and won, by day": (
            f"SELECT {day.format(c='f.first')}, COUNT(*), SUM(f.won) FROM (SELECT "
            "MIN(d.created_at) AS first, MAX(CASE WHEN d.won THEN 1 ELSE 0 END) AS won "
            "FROM draws d WHERE d.campaign_id = :c GROUP BY d.participant_id) f GROUP BY 1"
        ),
        "joins by day and branch": (
            f"SELECT {day.format(c='m.joined_at')}, m.branch_code, COUNT(*) FROM memberships m "
            "WHERE m.campaign_id = :c GROUP BY 1, 2"
        ),
        "rewards by day, prize, status, paid": (
            f"SELECT {day.format(c='r.created_at')}, r.prize_key, r.status, COUNT(*), "
            f"SUM({cents}) FROM rewards r WHERE r.campaign_id = :c GROUP BY 1, 2, 3"
        ),
        "shares by channel and days since joining": (
            "SELECT s.share_channel, s.day, "
            f"{day.format(c='m.joined_at')}, COUNT(*) FROM share_records s JOIN memberships m "
            "ON m.campaign_id = s.campaign_id AND m.participant_id = s.participant_id "
            "WHERE s.campaign_id = :c GROUP BY 1, 2, 3"
        ),
    }, {
        "draws by branch, both periods": (
            f"SELECT d.branch_code, {d_day} >= :mid, COUNT(*), "
            "SUM(CASE WHEN d.won THEN 1 ELSE 0 END) "
            f"FROM draws d WHERE {d_day} BETWEEN :low AND :high GROUP BY 1, 2"
        ),
        "joins by branch, both periods": (
            f"SELECT m.branch_code, {day.format(c='m.joined_at')} >= :mid, COUNT(*) "
            f"FROM memberships m WHERE {day.format(c='m.joined_at')} BETWEEN :low AND :high "
            "GROUP BY 1, 2"
        ),
        "draws by day, both periods": (
            f"SELECT {d_day}, COUNT(*) FROM draws d WHERE {d_day} BETWEEN :low AND :high GROUP BY 1"
        ),
    }


def run_raw(queries: dict[str, str], params: dict) -> int:
    from sqlalchemy import text

    from core.extensions import db

    rows = 0
    for sql in queries.values():
        rows += len(db.session.execute(text(sql), params).all())
    db.session.rollback()
    return rows


def main() -> None:
    args = parse_args()
    os.environ.setdefault("STUDIO_ENV", "testing")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-0123456789abcdefghij")
    logging.disable(logging.WARNING)
    from sqlalchemy import create_engine, func, select, text

    from core import create_app
    from core.accounts import create_user
    from core.extensions import db
    from core.models import MEASURES, Base, RollupDay
    from core.redis_server import EmbeddedRedis
    from runtime.rollups import catch_up
    from runtime.rollups.states import refresh_reward_states

    work = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    database = args.database_url or f"sqlite:///{work / 'bench.db'}"
    engine = create_engine(database)
    if engine.dialect.name == "postgresql":
        if not args.reset_database:
            raise SystemExit("pass --reset-database to wipe the given PostgreSQL database")
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    engine.dispose()
    redis_server = EmbeddedRedis(work / "redis")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "REDIS_URL": redis_server.start(),
            "INSTANCE_PATH": str(work),
            "RATELIMIT_ENABLED": False,
            "STUDIO_TIMEZONE": "Asia/Shanghai",
        }
    )
    backend = engine.dialect.name
    load_before = os.getloadavg()[0]
    with app.app_context():
        started = time.perf_counter()
        bank = data.generate(args.draws, args.participants)
        create_user("bench-hq", "admin", "HQ", PASSWORD)
        db.session.commit()
        generated = time.perf_counter() - started
        if backend == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        started = time.perf_counter()
        counted = catch_up(db.session)
        refresh_reward_states(db.session)
        base_rollup = time.perf_counter() - started
        drawn = db.session.scalar(select(func.sum(RollupDay.draws)))
        db.session.rollback()
        assert drawn == counted["draws"] == args.draws, (drawn, counted)

        client = app.test_client()
        from tests.builder.studio import sign_in

        assert sign_in(client, "bench-hq", PASSWORD).status_code == 302
        cid = bank.campaigns[0]
        report_url = f"/studio/reports/campaign/{cid}"
        overview_url = "/studio/reports/?from=2026-01-16&to=2026-01-30"

        def get(url):
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            return answer

        report_s, _ = timed(lambda: get(report_url), args.repeat)
        overview_s, _ = timed(lambda: get(overview_url), args.repeat)
        campaign_raw, overview_raw = raw_sql(backend)
        report_raw_s, _ = timed(lambda: run_raw(campaign_raw, {"c": cid}), max(1, args.repeat // 2))
        period = {"low": "2026-01-01", "mid": "2026-01-16", "high": "2026-01-30"}
        overview_raw_s, _ = timed(lambda: run_raw(overview_raw, period), max(1, args.repeat // 2))

        started = time.perf_counter()
        data.peak_hour(bank, args.peak)
        if backend == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        peak_write = time.perf_counter() - started
        started = time.perf_counter()
        peak = catch_up(db.session)
        catch_up_s = time.perf_counter() - started
        assert peak["draws"] == args.peak, peak
        hour_sql = raw_sql(backend)[0]["draws by hour"].replace(
            "WHERE d.campaign_id = :c", "WHERE d.campaign_id = :c AND d.id > :low"
        )
        first_peak_id = db.session.scalar(text("SELECT MAX(id) FROM draws")) - args.peak
        started = time.perf_counter()
        run_raw({"peak": hour_sql}, {"c": cid, "low": first_peak_id})
        peak_raw_s = time.perf_counter() - started
        total = db.session.scalar(select(func.sum(RollupDay.draws)))
        ledger = db.session.scalar(text("SELECT COUNT(*) FROM draws"))
        db.session.rollback()
        assert total == ledger, (total, ledger)
        report_after, _ = timed(lambda: get(report_url), args.repeat)
    redis_server.stop()

    measures = len(MEASURES)
    print(
        f"backend: {backend}; {args.draws:,} draws over {len(bank.branches)} sub-branches, "
        f"{data.DAYS} days, {len(bank.campaigns)} campaigns; {args.participants:,} people; "
        f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"generated the ledgers in {generated:.0f} s; first roll-up of everything: "
        f"{base_rollup:.1f} s ({counted}); {measures} measures per bucket"
    )
    print(
        f"campaign report (biggest campaign, HTTP):  {1000 * report_s:7.1f} ms   "
        f"raw ledger: {1000 * report_raw_s:8.1f} ms   ratio {report_raw_s / report_s:6.1f}x  "
        f"(target < 300 ms)"
    )
    print(
        f"head office overview (15 vs 15 days):      {1000 * overview_s:7.1f} ms   "
        f"raw ledger: {1000 * overview_raw_s:8.1f} ms   ratio {overview_raw_s / overview_s:6.1f}x  "
        f"(target < 500 ms)"
    )
    print(
        f"peak hour: {args.peak:,} plays ({peak['rewards']:,} rewards) written in "
        f"{peak_write:.0f} s; catch-up of the rollups {catch_up_s:.1f} s (target < 60 s; "
        f"{args.peak / catch_up_s:,.0f} plays/s); "
        f"the hour's curve alone from the raw ledger {peak_raw_s:.1f} s"
    )
    print(
        f"campaign report after the peak hour: {1000 * report_after:.1f} ms; rollups == ledger "
        f"({ledger:,} draws)"
    )


if __name__ == "__main__":
    main()
