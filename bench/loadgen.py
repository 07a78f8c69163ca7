"""The load generator of bench/draw_load.py: wrk (a C client) with bench/wrk/load.lua.

A Python client costs ~1.5-2 ms of CPU per request on the same two cores the servers use, so
it measured itself more than the servers (docs/benchmarks.md, issue 16). wrk costs a few
microseconds per request. It comes from Debian's `wrk` package; `ensure_wrk()` installs it
with apt when it is missing (as root), or says how.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "load.lua"
MARK = "BENCH-RESULT "


def ensure_wrk() -> str:
    """The wrk executable, installed from Debian's package when missing (root only)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: run `apt-get install wrk` as root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get installed no wrk")
    return found


@dataclass
class LoadResult:
    """One wrk run: completed requests and their latency (from the actual send)."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    errors: dict[str, int]
    late: int = 0  # paced runs: sends that missed their slot by more than 1 ms
    late_ms_max: float = 0.0
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU ms per request, by process

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    url: str,
    tokens_file: Path | None,
    seconds: float,
    connections: int,
    threads: int = 2,
    rate: float = 0.0,
) -> LoadResult:
    """POST `{}` to `url` for `seconds` over `connections` keep-alive connections; closed
    loop, or paced at `rate` requests/s in total (shared by the wrk threads)."""
    argv = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(SCRIPT),
        url,
        "--",
        str(tokens_file) if tokens_file else "-",
        f"{rate / threads:.3f}" if rate else "0",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    data = json.loads(line[len(MARK) :])
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        statuses={int(k): v for k, v in data["statuses"].items()},
        errors=data["errors"],
        late=data["late"],
        late_ms_max=data["late_ms_max"],
    )
