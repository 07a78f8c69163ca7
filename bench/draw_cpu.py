"""In-process CPU per draw, for quick iteration on the draw path (no server, no load
generator): N draws through the WSGI app in one thread, CPU time per draw, and optionally
cProfile's top functions. The end-to-end figures come from bench/draw_load.py.

    .venv/bin/python bench/draw_cpu.py --draws 3000 [--profile 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.draw_load import PARTICIPANTS, SECRET, prepare  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3000)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="draw-cpu-"))
    env = {
        "STUDIO_ENV": "production",
        "SECRET_KEY": SECRET,
        "STUDIO_DEMO": "false",
        "STUDIO_INSTANCE_PATH": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'studio.db'}",
        "RUNTIME_RATE_LIMIT_PARTICIPANT": "1000000/minute",
        "RUNTIME_RATE_LIMIT_IP": "1000000/minute",
    }
    tokens = prepare(env, PARTICIPANTS)
    from core import create_app

    client = create_app().test_client()
    url = "/api/v1/campaigns/bench-draw/draw"
    headers = [{"Authorization": f"Bearer {t}"} for t in tokens]
    for h in headers:
        client.post("/api/v1/campaigns/bench-draw/join", headers=h, json={})
    environ = [
        {"HTTP_AUTHORIZATION": h["Authorization"], "CONTENT_TYPE": "application/json"}
        for h in headers
    ]

    def run(n: int) -> None:
        for i in range(n):
            answer = client.post(url, environ_overrides=environ[i % len(environ)], data=b"{}")
            if answer.status_code != 200:
                raise SystemExit(f"draw answered {answer.status_code}: {answer.get_data()!r}")

    run(200)  # warm-up
    profiler = cProfile.Profile() if args.profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    run(args.draws)
    if profiler:
        profiler.disable()
    used = time.process_time() - started
    print(f"{args.draws} draws: {used / args.draws * 1000:.3f} ms CPU per draw (in-process)")
    if profiler:
        calls = pstats.Stats(profiler).total_calls
        print(f"Python function calls per draw (deterministic): {calls / args.draws:.0f}")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(args.profile)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())
    os.environ.pop("DATABASE_URL", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
