"""Draw endpoint throughput and latency against a bare Flask endpoint, same server, same load.

    .venv/bin/python bench/draw_load.py --seconds 5     (the figures in docs/benchmarks.md)
        [--database-url postgresql+psycopg://user@host:port/db --reset-database]
        [--workers 2 --threads 8]  (the fixed configuration, used for both apps)

Starts gunicorn (gthread) three times with one fixed configuration, serving: a bare Flask app;
the "floor" (bench/floor_app.py: only the Redis and SQLite work a draw cannot avoid); and the
real app (embedded defaults: SQLite in a temp dir + an embedded Redis, or --database-url).
Drives each with the same bounded Python load generator (processes x threads, keep-alive
sessions, one connection per thread); prints requests/s, p50/p99, the server's CPU time per
request (gunicorn processes; Redis separately) and the ratios; then checks the ledger
invariants (SQL draws == answered draws, stock + issued == initial, chances left in Redis ==
grants - draws in the ledger).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SECRET = "bench-secret-key-that-is-long-enough-0123456789abcdef"
# The fixed gunicorn configuration both targets are served with (see docs/benchmarks.md).
WORKERS = 2
THREADS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bundle() -> dict:
    return {
        "format": "campaign-bundle/1",
        "slug": "bench-draw",
        "name": "Bench",
        "branch": "HQ",
        "widget": {"type": "lucky_wheel", "config": {}},
        "schedule": {
            "timezone": "Asia/Shanghai",
            "starts_at": "2020-01-01T00:00:00",
            "ends_at": "2099-01-01T00:00:00",
        },
        "chances": {"kinds": [{"key": "gold", "name": "Gold", "initial": 1_000_000}]},
        "prizes": [
            {
                "key": "iphone",
                "name": "iPhone",
                "weight": 1,
                "stock": 500,
                "reward": {"kind": "physical"},
            },
            {
                "key": "coupon",
                "name": "Coupon",
                "weight": 20,
                "stock": 5000,
                "reward": {"kind": "coupon_code", "pool": "bench"},
            },
            {
                "key": "points",
                "name": "Points",
                "weight": 30,
                "stock": None,
                "reward": {"kind": "points", "amount": 10},
            },
            {
                "key": "thanks",
                "name": "Thanks",
                "weight": 49,
                "fallback": True,
                "reward": {"kind": "none"},
            },
        ],
        "odds": {"exhausted": "fallback"},
    }


def reset_schema(engine) -> None:
    """Empty a PostgreSQL database the bench was told it may wipe (--reset-database)."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def prepare(env: dict[str, str], connections: int, reset: bool = False) -> list[str]:
    """Schema, HQ, channel, published campaign; returns one participant token per connection."""
    os.environ.update(env)
    from sqlalchemy import inspect

    from core import create_app
    from core.extensions import db
    from core.models import Base, Branch
    from core.tokens import mint_token

    app = create_app()
    with app.app_context():
        if reset and db.engine.dialect.name == "postgresql":
            reset_schema(db.engine)
        elif inspect(db.engine).get_table_names():
            raise SystemExit("the database is not empty; pass --reset-database to wipe it")
        Base.metadata.create_all(db.engine)
        from core.accounts import create_channel
        from runtime.publishing import create_campaign, publish_campaign

        db.session.add(Branch(code="HQ", name="HQ", level="hq"))
        db.session.commit()
        channel = create_channel("bench").channel
        db.session.commit()
        from runtime.issuance.coupons import upload_codes

        # the coupon prize's pool: its codes count as stock when a coupon is won
        upload_codes(db.session, "bench", "\n".join(f"BENCH-{i:05d}" for i in range(6000)))
        db.session.commit()
        publish_campaign(create_campaign(bundle()))
        tokens = [mint_token(channel, f"bench-{i}", ttl=3600) for i in range(connections)]
        db.session.commit()
    return tokens


def start(
    target: str, env: dict[str, str], workers: int, threads: int, config: str | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [
            gunicorn,
            target,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
            *(["--config", config] if config else []),
        ],
        cwd=REPO,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/healthz", timeout=5)
            for _ in range(workers * 3):
                requests.get(base + "/healthz", timeout=10)
            return process, base
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (the gunicorn master and workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


def _worker(
    args: tuple[str, list[dict], float, float | None],
) -> tuple[list[float], dict[int, int]]:
    """One client process: a thread per connection, each with its own keep-alive session.
    Closed loop (interval None): send the next request when the answer arrives. Paced:
    send on a fixed schedule and measure from the scheduled time, so a late answer also
    counts the wait of the requests queued behind it (no coordinated omission)."""
    from concurrent.futures import ThreadPoolExecutor

    url, headers_list, seconds, interval = args

    def loop(item: tuple[int, dict]) -> tuple[list[float], dict[int, int]]:
        index, headers = item
        session = requests.Session()
        latencies, statuses = [], {}
        start = time.perf_counter()
        if interval is not None:
            start += random.uniform(0, interval)  # spread the connections' phases
        sent = 0
        while time.perf_counter() - start < seconds:
            scheduled = time.perf_counter()
            if interval is not None:
                scheduled = start + sent * interval
                time.sleep(max(0.0, scheduled - time.perf_counter()))
            response = session.post(url, json={}, headers=headers, timeout=30)
            latencies.append(time.perf_counter() - scheduled)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            sent += 1
        return latencies, statuses

    with ThreadPoolExecutor(len(headers_list)) as pool:
        parts = list(pool.map(loop, enumerate(headers_list)))
    latencies = [x for lat, _ in parts for x in lat]
    statuses: dict[int, int] = {}
    for _, st in parts:
        for code, n in st.items():
            statuses[code] = statuses.get(code, 0) + n
    return latencies, statuses


def drive(
    url: str,
    headers: list[dict],
    seconds: float,
    processes: int,
    watch: dict[str, int],
    rate: float | None = None,
) -> dict:
    """Closed loop over all connections, or paced at `rate` requests/s in total."""
    chunks = [headers[i::processes] for i in range(processes)]
    interval = None if rate is None else len(headers) / rate
    cpu_before = {name: cpu_seconds(pid) for name, pid in watch.items()}
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with ProcessPoolExecutor(processes) as pool:
        results = list(pool.map(_worker, [(url, c, seconds, interval) for c in chunks]))
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool has been reaped
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in watch.items()}
    cpu["client"] = (client_after.ru_utime + client_after.ru_stime) - (
        client_before.ru_utime + client_before.ru_stime
    )
    latencies = sorted(x for lat, _ in results for x in lat)
    statuses: dict[int, int] = {}
    for _, st in results:
        for code, n in st.items():
            statuses[code] = statuses.get(code, 0) + n
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    count = max(1, len(latencies))
    return {
        "rps": len(latencies) / seconds,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "statuses": statuses,
        "count": len(latencies),
        "cpu_ms": {name: used / count * 1000 for name, used in cpu.items()},
    }


def check_invariants(env: dict[str, str], answered: int) -> list[str]:
    from sqlalchemy import func, select

    from core import create_app
    from core.extensions import db, redis_store
    from core.models import ChanceEntry, Draw, Prize, Reward
    from runtime import hotstate

    problems = []
    app = create_app()
    with app.app_context():
        draws = db.session.scalar(select(func.count(Draw.id)))
        if draws != answered:
            problems.append(f"SQL has {draws} draws, {answered} were answered 200")
        for prize in db.session.scalars(select(Prize)):
            won = db.session.scalar(select(func.count(Draw.id)).where(Draw.prize_key == prize.key))
            if won != prize.issued:
                problems.append(f"{prize.key}: issued {prize.issued} != {won} draws")
            if prize.stock_total is not None:
                left = int(
                    redis_store.client.hget(hotstate.stock_key(prize.campaign_id), prize.key) or 0
                )
                if left + prize.issued != prize.stock_total:
                    problems.append(
                        f"{prize.key}: redis {left} + issued {prize.issued} != {prize.stock_total}"
                    )
        wins = db.session.scalar(
            select(func.count(Draw.id)).where(Draw.prize_key.in_(["iphone", "coupon", "points"]))
        )
        rewards = db.session.scalar(select(func.count(Reward.id)))
        if wins != rewards:
            problems.append(f"{wins} rewarded draws but {rewards} reward rows")
        drawn = dict(
            db.session.execute(
                select(Draw.participant_id, func.count(Draw.id)).group_by(Draw.participant_id)
            ).all()
        )
        cid = db.session.scalar(select(Draw.campaign_id).limit(1))
        for pid, granted in db.session.execute(
            select(ChanceEntry.participant_id, func.sum(ChanceEntry.delta))
            .where(ChanceEntry.reason != "draw")
            .group_by(ChanceEntry.participant_id)
        ):
            total = granted - drawn.get(pid, 0)
            redis_left = int(redis_store.client.hget(hotstate.person_key(cid, pid), "ch:gold") or 0)
            if redis_left != total:
                problems.append(f"participant {pid}: ledger {total} chances, redis {redis_left}")
    return problems


def join_all(base: str, tokens: list[str]) -> None:
    for tok in tokens:
        response = requests.post(
            f"{base}/api/v1/campaigns/bench-draw/join",
            headers={"Authorization": f"Bearer {tok}"},
            json={},
            timeout=30,
        )
        response.raise_for_status()


def redis_pid() -> int | None:
    from core.extensions import redis_store

    embedded = redis_store.embedded
    process = getattr(embedded, "process", None)
    return process.pid if process is not None else None


def report(name: str, unit: str, result: dict) -> str:
    cpu = ", ".join(f"{k} {v:.2f}" for k, v in result["cpu_ms"].items())
    return (
        f"{name:6s}: {result['rps']:8.1f} {unit} p50 {result['p50']:6.2f} ms  "
        f"p99 {result['p99']:6.2f} ms  CPU ms/request: {cpu}  statuses {result['statuses']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=4, help="load generator processes")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument(
        "--paced-fraction",
        type=float,
        default=0.5,
        help="then offer both endpoints this fraction of the measured draw throughput at a "
        "fixed rate and report their latency (0: skip)",
    )
    parser.add_argument(
        "--gunicorn-config",
        default="python:core.gunicorn_conf",
        help="gunicorn config for both apps (default: the production settings `studio up` uses)",
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument(
        "--reset-database",
        action="store_true",
        help="drop and recreate the public schema of --database-url (PostgreSQL) first",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="draw-bench-"))
    env = dict(
        os.environ,
        STUDIO_ENV="production",
        SECRET_KEY=SECRET,
        STUDIO_DEMO="false",
        STUDIO_INSTANCE_PATH=str(tmp),
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'studio.db'}",
        STUDIO_LOG_FORMAT="text",
    )
    env.pop("REDIS_URL", None) if not os.environ.get("REDIS_URL") else None
    tokens = prepare(env, args.connections, reset=args.reset_database)
    from core.extensions import redis_store

    env["REDIS_URL"] = redis_store.url  # share the embedded server the setup started
    # the limiter still runs on every draw (its cost is measured) but must not refuse
    env["RUNTIME_RATE_LIMIT_PARTICIPANT"] = "1000000/minute"
    env["RUNTIME_RATE_LIMIT_IP"] = "1000000/minute"
    watch = {"redis": pid} if (pid := redis_pid()) else {}
    procs = []
    load_before = os.getloadavg()[0]
    paced: dict[str, dict] = {}
    try:
        bare, bare_base = start(
            "bench.bare_app:app", env, args.workers, args.threads, args.gunicorn_config
        )
        procs.append(bare)
        requests.post(bare_base + "/bare", timeout=5)
        bare_url, bare_headers = bare_base + "/bare", [{}] * args.connections
        watch_bare = {"gunicorn": bare.pid}
        baseline = drive(bare_url, bare_headers, args.seconds, args.processes, watch_bare)
        floor_env = dict(env, FLOOR_DB=str(tmp / "floor.db"))
        floor, floor_base = start(
            "bench.floor_app:app", floor_env, args.workers, args.threads, args.gunicorn_config
        )
        procs.append(floor)
        headers = [{"Authorization": f"Bearer {t}"} for t in tokens]
        floor_result = drive(
            floor_base + "/floor", headers, args.seconds, args.processes, {"gunicorn": floor.pid}
        )
        floor.terminate()
        real, base = start("wsgi:app", env, args.workers, args.threads, args.gunicorn_config)
        procs.append(real)
        join_all(base, tokens)
        draw_url = f"{base}/api/v1/campaigns/bench-draw/draw"
        measured = drive(
            draw_url, headers, args.seconds, args.processes, {"gunicorn": real.pid, **watch}
        )
        if args.paced_fraction > 0:
            rate = args.paced_fraction * measured["rps"]
            watch_real = {"gunicorn": real.pid, **watch}
            paced["draw"] = drive(draw_url, headers, args.seconds, args.processes, watch_real, rate)
            paced["bare"] = drive(
                bare_url, bare_headers, args.seconds, args.processes, watch_bare, rate
            )
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
    answered = measured["statuses"].get(200, 0)
    answered += paced.get("draw", {}).get("statuses", {}).get(200, 0)
    problems = check_invariants(env, answered)
    ratio = measured["rps"] / baseline["rps"] if baseline["rps"] else 0.0
    database = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"config: gunicorn gthread workers={args.workers} threads={args.threads}, "
        f"{args.connections} connections ({args.processes} client processes), "
        f"{args.seconds:g} s each, {database} + Redis at {env['REDIS_URL']}; "
        f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(report("bare", "req/s ", baseline))
    print(report("floor", "req/s ", floor_result))
    print(report("draw", "draws/s", measured))
    print(
        f"ratio : {ratio:.2f} (target >= 0.6); p99 target < 25 ms: "
        f"{'met' if measured['p99'] < 25 else 'NOT met'}"
    )
    print(
        f"floor : {floor_result['rps'] / baseline['rps']:.2f} of bare; the draw does "
        f"{measured['rps'] / floor_result['rps']:.2f} of the floor (bench/floor_app.py: the "
        "draw's Redis and SQL work with no code around it)"
    )
    if paced:
        print(
            f"paced at {args.paced_fraction:g} x the draw throughput "
            f"({args.paced_fraction * measured['rps']:.0f} req/s offered to each, "
            f"{args.connections} connections; latency from the scheduled send time):"
        )
        print(report("bare", "req/s ", paced["bare"]))
        print(report("draw", "draws/s", paced["draw"]))
    print("invariants: " + ("OK" if not problems else "VIOLATED\n  " + "\n  ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
