"""The draw's CPU cost with report event capture on and off, in one run of bench/draw_load.py's
harness (same database, Redis, gunicorn configuration and wrk load generator).

    .venv/bin/python bench/draw_capture.py [--seconds 5] [--rounds 3]
        [--database-url postgresql+psycopg://... --reset-database]

Event capture for reports adds nothing to the draw itself: draws, wins and rewards are
counted from the Draw and Reward rows the draw writes anyway, by the rollup jobs; only the
participant page counts views (STUDIO_TRAFFIC_CAPTURE). This starts the real app twice, with
STUDIO_TRAFFIC_CAPTURE=true and =false, drives each with wrk closed-loop in alternating
rounds, and prints the server CPU per draw (server + Redis, medians) of each and the ratio
(target: within 5%), then checks the ledger invariants over every draw answered.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import draw_load  # noqa: E402
from bench.loadgen import ensure_wrk  # noqa: E402
from bench.servers import start  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=draw_load.WORKERS)
    parser.add_argument("--threads", type=int, default=draw_load.THREADS)
    parser.add_argument("--server", default="gunicorn", choices=("gunicorn", "granian"))
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--reset-database", action="store_true")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="draw-capture-"))
    env = draw_load.environment(args, tmp)
    tokens = draw_load.prepare(env, draw_load.PARTICIPANTS, reset=args.reset_database)
    tokens_file = tmp / "tokens.txt"
    tokens_file.write_text("\n".join(tokens) + "\n")
    from core.extensions import redis_store

    env["REDIS_URL"] = redis_store.url
    env["RUNTIME_RATE_LIMIT_PARTICIPANT"] = "1000000/minute"
    env["RUNTIME_RATE_LIMIT_IP"] = "1000000/minute"
    load_before = os.getloadavg()[0]
    bench = draw_load.Bench(args, tokens_file, draw_load.redis_pid())
    modes = ("on", "off")
    runs: dict[str, list] = {mode: [] for mode in modes}
    try:
        for mode in modes:
            run_env = dict(env, STUDIO_TRAFFIC_CAPTURE="true" if mode == "on" else "false")
            bench.served[mode, "draw"] = start(
                args.server, draw_load.APPS["draw"], run_env, args.workers, args.threads
            )
        draw_load.join_all(bench.served["on", "draw"].base, tokens)
        for mode in modes:  # warm-up: not reported
            bench.run(mode, "draw", seconds=1)
        for round_no in range(args.rounds):
            for mode in modes if round_no % 2 == 0 else modes[::-1]:
                runs[mode].append(bench.run(mode, "draw"))
    finally:
        bench.stop()
    answered = sum(r.statuses.get(200, 0) for r in bench.draw_runs)
    problems = draw_load.check_invariants(env, answered, args.connections * len(bench.draw_runs))

    def cpu(result) -> float:
        return result.cpu_ms["server"] + result.cpu_ms.get("redis", 0.0)

    print(
        f"{args.server}, {args.workers} workers x {args.threads} threads; {args.rounds} rounds x "
        f"capture on/off, {args.seconds:g} s each, wrk -c{args.connections}, "
        f"{env['DATABASE_URL'].split(':', 1)[0]}; load average "
        f"{load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for mode in modes:
        print(draw_load.summary_line(f"cap {mode}", runs[mode]))
    on = draw_load.median([cpu(r) for r in runs["on"]])
    off = draw_load.median([cpu(r) for r in runs["off"]])
    print(
        f"server CPU per draw (server + Redis, median): capture on {on:.3f} ms, off {off:.3f} ms"
        f" -> on/off {on / off:.3f} (target <= 1.05)"
    )
    print("invariants: " + ("OK" if not problems else "VIOLATED\n  " + "\n  ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
