"""The draw's CPU cost with report event capture on and off, in one run of bench/draw_load.py's
harness (same database, Redis, gunicorn configuration and load generator).

    .venv/bin/python bench/draw_capture.py [--seconds 8] [--rounds 2]
        [--database-url postgresql+psycopg://... --reset-database]

Event capture for reports adds nothing to the draw itself: draws, wins and rewards are
counted from the Draw and Reward rows the draw writes anyway, by the rollup jobs; only the
participant page counts views (STUDIO_TRAFFIC_CAPTURE). This runs the real app alternately
with STUDIO_TRAFFIC_CAPTURE=true and =false (`--rounds` times each), drives draws closed-loop,
and prints the server CPU per draw (gunicorn + Redis) of each and the ratio (target: within
5%), then checks the ledger invariants over every draw answered.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import draw_load  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--workers", type=int, default=draw_load.WORKERS)
    parser.add_argument("--threads", type=int, default=draw_load.THREADS)
    parser.add_argument("--gunicorn-config", default="python:core.gunicorn_conf")
    parser.add_argument("--database-url")
    parser.add_argument("--reset-database", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="draw-capture-"))
    env = dict(
        os.environ,
        STUDIO_ENV="production",
        SECRET_KEY=draw_load.SECRET,
        STUDIO_DEMO="false",
        STUDIO_INSTANCE_PATH=str(tmp),
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'studio.db'}",
    )
    if not os.environ.get("REDIS_URL"):
        env.pop("REDIS_URL", None)
    tokens = draw_load.prepare(env, args.connections, reset=args.reset_database)
    from core.extensions import redis_store

    env["REDIS_URL"] = redis_store.url
    env["RUNTIME_RATE_LIMIT_PARTICIPANT"] = "1000000/minute"
    env["RUNTIME_RATE_LIMIT_IP"] = "1000000/minute"
    watch = {"redis": pid} if (pid := draw_load.redis_pid()) else {}
    headers = [{"Authorization": f"Bearer {t}"} for t in tokens]
    results: dict[str, list[dict]] = {"on": [], "off": []}
    answered, joined = 0, False
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):
        for mode in ("on", "off"):
            run_env = dict(env, STUDIO_TRAFFIC_CAPTURE="true" if mode == "on" else "false")
            server, base = draw_load.start(
                "wsgi:app", run_env, args.workers, args.threads, args.gunicorn_config
            )
            try:
                if not joined:
                    draw_load.join_all(base, tokens)
                    joined = True
                result = draw_load.drive(
                    f"{base}/api/v1/campaigns/bench-draw/draw",
                    headers,
                    args.seconds,
                    args.processes,
                    {"gunicorn": server.pid, **watch},
                )
            finally:
                server.terminate()
                server.wait(10)
            answered += result["statuses"].get(200, 0)
            results[mode].append(result)
    problems = draw_load.check_invariants(env, answered)

    def cpu(result: dict) -> float:
        return result["cpu_ms"]["gunicorn"] + result["cpu_ms"].get("redis", 0.0)

    print(
        f"{args.rounds} rounds x capture on/off, {args.seconds:g} s each, {args.connections} "
        f"connections, {env['DATABASE_URL'].split(':', 1)[0]}; load average "
        f"{load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for mode in ("on", "off"):
        for n, result in enumerate(results[mode], 1):
            print(f"  capture {mode:3s} round {n}: {draw_load.report('draw', 'draws/s', result)}")
    on = statistics.median(cpu(r) for r in results["on"])
    off = statistics.median(cpu(r) for r in results["off"])
    print(
        f"server CPU per draw (gunicorn + Redis, median): capture on {on:.2f} ms, off {off:.2f} ms"
        f" -> on/off {on / off:.3f} (target <= 1.05)"
    )
    print("invariants: " + ("OK" if not problems else "VIOLATED\n  " + "\n  ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
