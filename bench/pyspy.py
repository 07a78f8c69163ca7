"""Where a server's workers spend their time under load: `py-spy record --gil` on each worker
while wrk drives the draw, summarised by function (bench/draw_load.py --profile DIR).

`--gil` keeps only samples of the thread holding the GIL: with one core's worth of Python per
worker, that is where CPU goes (threads waiting on Redis, SQL or the GIL are left out). The
raw collapsed stacks are kept in DIR for flame graphs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

BIN = Path(sys.executable).parent


def py_spy() -> str:
    found = shutil.which("py-spy") or str(BIN / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    return found


def start(pids: list[int], seconds: float, out: Path) -> list[subprocess.Popen]:
    """One `py-spy record --gil` per worker pid, writing collapsed stacks to out/<pid>.txt."""
    out.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [
                py_spy(),
                "record",
                "--gil",
                "--rate",
                "250",
                "--duration",
                str(max(1, round(seconds))),
                "--format",
                "raw",
                "--nonblocking",
                "--pid",
                str(pid),
                "--output",
                str(out / f"{pid}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def _frames(stack: str) -> list[str]:
    """'fn (file.py:12);fn2 (other.py:40)' -> ['fn (file.py)', 'fn2 (other.py)']"""
    found = []
    for frame in stack.split(";"):
        name, _, where = frame.partition(" (")
        path = where.rsplit(":", 1)[0]
        for marker in ("site-packages/", "/perf/", "/lib/python3"):
            if marker in path:
                path = path.split(marker, 1)[1]
        found.append(f"{name} ({path})")
    return found


def summarise(out: Path, top: int = 30) -> str:
    """Inclusive and self shares of the samples, by function, over every worker's file."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for path in sorted(out.glob("*.txt")):
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            frames = _frames(stack)
            total += n
            for frame in set(frames):
                inclusive[frame] += n
            own[frames[-1]] += n
    if not total:
        return "no samples"
    lines = [f"{total} GIL samples; inclusive share (the function and what it calls):"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in inclusive.most_common(top)]
    lines.append("self share (the function's own code):")
    lines += [f"  {n / total:6.1%}  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)
