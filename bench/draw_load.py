"""Draw throughput, latency and CPU against a bare Flask endpoint and the draw's own floor,
driven by wrk, same server configuration, same run (docs/benchmarks.md).

    .venv/bin/python bench/draw_load.py            (the figures in docs/benchmarks.md)
        [--database-url postgresql+psycopg://user@host:port/db --reset-database]
        [--servers gunicorn,granian] [--rounds 3 --seconds 5] [--workers 2 --threads 8]

Serves three apps under each server with one fixed configuration: a bare Flask app
(bench/bare_app.py); the "floor" (bench/floor_app.py: the draw's two Redis round trips and a
group-committed SQL write, the I/O the draw's design cannot avoid, with nothing around it);
and the real app (embedded defaults: SQLite in a temp dir + an embedded Redis, or
--database-url). wrk drives each (bench/wrk/load.lua rotates one participant token per
request; no Python in the load generator), alternating targets over --rounds rounds. For each
target it prints the median of requests/s, p50/p99 and the server's CPU ms per request
(server processes; Redis separately) and the medians of the per-round ratios draw/bare and
draw/floor. Then a paced phase offers the draw and bare endpoints half of the measured draw
capacity at a fixed schedule. Last, with every server stopped, the invariants: per person
Redis draws == SQL draws, chances in Redis == grants - draws, stock + issued == initial,
Prize.issued == draws per prize, reward rows == rewarded draws, no flight left in the air.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.loadgen import LoadResult, ensure_wrk, run_wrk  # noqa: E402
from bench.servers import Served, start  # noqa: E402

SECRET = "bench-secret-key-that-is-long-enough-0123456789abcdef"
# The fixed server configuration every target is served with (see docs/benchmarks.md).
WORKERS = 2
THREADS = 8
PARTICIPANTS = 64
TARGETS = ("bare", "floor", "draw")
APPS = {"bare": "bench.bare_app:app", "floor": "bench.floor_app:app", "draw": "wsgi:app"}
PATHS = {"bare": "/bare", "floor": "/floor", "draw": "/api/v1/campaigns/bench-draw/draw"}


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
        "chances": {"kinds": [{"key": "gold", "name": "Gold", "initial": 10_000}]},
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


def prepare(env: dict[str, str], participants: int, reset: bool = False) -> list[str]:
    """Schema, HQ, channel, published campaign; returns one token per participant."""
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
        tokens = [mint_token(channel, f"bench-{i}", ttl=3600) for i in range(participants)]
        db.session.commit()
    return tokens


def check_invariants(env: dict[str, str], answered: int, unanswered: int) -> list[str]:
    """After every server stopped: `answered` draws were answered 200 and at most `unanswered`
    more were still in flight when a wrk run ended (wrk stops without their answers)."""
    from sqlalchemy import func, select

    from core import create_app
    from core.extensions import db, redis_store
    from core.models import ChanceEntry, Draw, Prize, Reward
    from runtime import hotstate

    problems = []
    app = create_app()
    with app.app_context():
        draws = db.session.scalar(select(func.count(Draw.id)))
        if not answered <= draws <= answered + unanswered:
            problems.append(
                f"SQL has {draws} draws; {answered} were answered 200 "
                f"(+ at most {unanswered} in flight when wrk stopped)"
            )
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
        conn = redis_store.client
        if flying := conn.zcard(hotstate.flights_key(cid)):
            problems.append(f"{flying} flights still in the air after the servers stopped")
        for pid, granted in db.session.execute(
            select(ChanceEntry.participant_id, func.sum(ChanceEntry.delta))
            .where(ChanceEntry.reason != "draw")
            .group_by(ChanceEntry.participant_id)
        ):
            total = granted - drawn.get(pid, 0)
            person = hotstate.person_key(cid, pid)
            redis_left = int(conn.hget(person, "ch:gold") or 0)
            if redis_left != total:
                problems.append(f"participant {pid}: ledger {total} chances, redis {redis_left}")
            redis_draws = int(conn.hget(person, "d") or 0)
            if redis_draws != drawn.get(pid, 0):
                problems.append(
                    f"participant {pid}: {drawn.get(pid, 0)} draws in SQL, redis {redis_draws}"
                )
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

    process = getattr(redis_store.embedded, "process", None)
    return process.pid if process is not None else None


class Bench:
    """The started servers and every wrk run against them."""

    def __init__(self, args, tokens_file: Path, redis: int | None) -> None:
        self.args = args
        self.tokens_file = tokens_file
        self.redis = redis
        self.served: dict[tuple[str, str], Served] = {}
        self.draw_runs: list[LoadResult] = []

    def start(self, servers: list[str], env: dict[str, str]) -> None:
        for server in servers:
            for target in TARGETS:
                self.served[server, target] = start(
                    server, APPS[target], env, self.args.workers, self.args.threads
                )

    def stop(self) -> None:
        for one in self.served.values():
            one.stop()

    def run(
        self, server: str, target: str, rate: float = 0.0, seconds: float | None = None
    ) -> LoadResult:
        """One wrk run against a target, with the server's (and Redis') CPU per request."""
        from bench.servers import tree_cpu_seconds

        args, served = self.args, self.served[server, target]
        redis = self.redis if target != "bare" else None
        tokens = None if target == "bare" else self.tokens_file
        before = served.cpu_seconds(), tree_cpu_seconds(redis) if redis else 0.0
        result = run_wrk(
            served.base + PATHS[target],
            tokens,
            seconds or args.seconds,
            args.connections,
            args.wrk_threads,
            rate,
        )
        after = served.cpu_seconds(), tree_cpu_seconds(redis) if redis else 0.0
        count = max(1, result.requests)
        result.cpu_ms = {"server": (after[0] - before[0]) / count * 1000}
        if redis:
            result.cpu_ms["redis"] = (after[1] - before[1]) / count * 1000
        if target == "draw":
            self.draw_runs.append(result)
        return result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summary_line(name: str, runs: list[LoadResult]) -> str:
    cpu = {k: median([r.cpu_ms.get(k, 0.0) for r in runs]) for k in runs[0].cpu_ms}
    statuses: dict[int, int] = {}
    for run in runs:
        for code, n in run.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    late = sum(r.late for r in runs)
    return (
        f"  {name:6s} {median([r.rps for r in runs]):8.1f}/s  "
        f"p50 {median([r.p50_ms for r in runs]):6.2f} ms  "
        f"p99 {median([r.p99_ms for r in runs]):7.2f} ms  CPU ms/req "
        + ", ".join(f"{k} {v:.3f}" for k, v in cpu.items())
        + f"  statuses {dict(sorted(statuses.items()))}"
        + (f"  late sends {late} (max {max(r.late_ms_max for r in runs):.0f} ms)" if late else "")
    )


def environment(args, tmp: Path) -> dict[str, str]:
    env = dict(
        os.environ,
        STUDIO_ENV="production",
        SECRET_KEY=SECRET,
        STUDIO_DEMO="false",
        STUDIO_INSTANCE_PATH=str(tmp),
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'studio.db'}",
        STUDIO_LOG_FORMAT="text",
    )
    if not os.environ.get("REDIS_URL"):
        env.pop("REDIS_URL", None)
    return env


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--servers", default="gunicorn", help="comma-separated: gunicorn,granian")
    parser.add_argument(
        "--floor-round-trips",
        type=int,
        choices=(1, 2),
        default=2,
        help="Redis round trips of the floor (2: as the draw makes them; bench/floor_app.py)",
    )
    parser.add_argument(
        "--paced-fraction",
        type=float,
        default=0.5,
        help="then offer the draw and bare endpoints this fraction of the measured draw "
        "throughput at a fixed schedule (0: skip)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="then record the draw server's workers with `py-spy record --gil` under the "
        "closed-loop load into this directory and print where the time goes",
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument(
        "--reset-database",
        action="store_true",
        help="drop and recreate the public schema of --database-url (PostgreSQL) first",
    )
    return parser.parse_args()


def profile(bench: Bench, server: str, out: Path) -> None:
    """py-spy on every worker of the draw server during one more closed-loop run."""
    import psutil

    from bench import pyspy as spy

    root = psutil.Process(bench.served[server, "draw"].process.pid)
    workers = [p.pid for p in root.children(recursive=True)] or [root.pid]
    recorders = spy.start(workers, bench.args.seconds, out)
    bench.run(server, "draw")
    for recorder in recorders:
        recorder.wait(60)
    summary = spy.summarise(out)
    (out / "summary.txt").write_text(summary + "\n")
    print(summary)


def report(args, servers, runs, paced) -> None:
    for server in servers:
        print(f"{server} (medians over {args.rounds} rounds):")
        for target in TARGETS:
            print(summary_line(target, runs[server, target]))
        bare, floor, draw = (runs[server, t] for t in TARGETS)
        ratio = median([d.rps / b.rps for d, b in zip(draw, bare, strict=True) if b.rps])
        of_floor = median([d.rps / f.rps for d, f in zip(draw, floor, strict=True) if f.rps])
        floor_bare = median([f.rps / b.rps for f, b in zip(floor, bare, strict=True) if b.rps])
        cpu = median([d.cpu_ms["server"] for d in draw])
        print(
            f"  draw/bare {ratio:.2f} (target >= 0.4)  draw/floor {of_floor:.2f} (target >= 0.8)"
            f"  floor/bare {floor_bare:.2f}  server CPU per draw {cpu:.3f} ms (target <= 1.0)"
        )
        if (server, "draw") in paced:
            rate = args.paced_fraction * median([r.rps for r in draw])
            print(f"  paced at {args.paced_fraction:g} x draw capacity ({rate:.0f}/s offered):")
            print(summary_line("bare", [paced[server, "bare"]]))
            print(summary_line("draw", [paced[server, "draw"]]))
            p99 = paced[server, "draw"].p99_ms
            print(f"  paced draw p99 {p99:.1f} ms (target < 25 ms)")


def main() -> int:
    args = parse_args()
    ensure_wrk()
    servers = [name.strip() for name in args.servers.split(",") if name.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="draw-bench-"))
    env = environment(args, tmp)
    tokens = prepare(env, PARTICIPANTS, reset=args.reset_database)
    tokens_file = tmp / "tokens.txt"
    tokens_file.write_text("\n".join(tokens) + "\n")
    from core.extensions import redis_store

    env["REDIS_URL"] = redis_store.url  # share the embedded server the setup started
    # the limiter still runs on every draw (its cost is measured) but must not refuse
    env["RUNTIME_RATE_LIMIT_PARTICIPANT"] = "1000000/minute"
    env["RUNTIME_RATE_LIMIT_IP"] = "1000000/minute"
    floor_url = env["DATABASE_URL"]
    if floor_url.startswith("sqlite"):
        floor_url = f"sqlite:///{tmp / 'floor.db'}"
    env["FLOOR_DATABASE_URL"] = floor_url
    env["FLOOR_ROUND_TRIPS"] = str(args.floor_round_trips)
    load_before = os.getloadavg()[0]
    bench = Bench(args, tokens_file, redis_pid())
    runs: dict[tuple[str, str], list[LoadResult]] = {}
    paced: dict[tuple[str, str], LoadResult] = {}
    try:
        bench.start(servers, env)
        join_all(bench.served[servers[0], "draw"].base, tokens)
        for server in servers:  # warm-up (compiled plans, pools, caches): not reported
            for target in TARGETS:
                bench.run(server, target, seconds=1)
        order = [(server, target) for server in servers for target in TARGETS]
        for round_no in range(args.rounds):
            shift = round_no % len(order)
            for key in order[shift:] + order[:shift]:
                runs.setdefault(key, []).append(bench.run(*key))
        if args.profile:
            profile(bench, servers[0], args.profile)
        if args.paced_fraction > 0:
            for server in servers:
                rate = args.paced_fraction * median([r.rps for r in runs[server, "draw"]])
                paced[server, "draw"] = bench.run(server, "draw", rate)
                paced[server, "bare"] = bench.run(server, "bare", rate)
    finally:
        bench.stop()
    answered = sum(r.statuses.get(200, 0) for r in bench.draw_runs)
    problems = check_invariants(env, answered, args.connections * len(bench.draw_runs))
    database = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"config: {args.workers} workers x {args.threads} threads, wrk -t{args.wrk_threads} "
        f"-c{args.connections}, {PARTICIPANTS} participants, {args.rounds} rounds x "
        f"{args.seconds:g} s per target, {database} + Redis, floor with "
        f"{args.floor_round_trips} Redis round trip(s); load average "
        f"{load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    report(args, servers, runs, paced)
    print("invariants: " + ("OK" if not problems else "VIOLATED\n  " + "\n  ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
