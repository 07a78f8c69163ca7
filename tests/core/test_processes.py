"""Supervised children with real processes: a crash-looping child backs off and is reported,
its siblings keep running, and children die with their parent even when it is SIGKILLed."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time

import psutil

from core import processes
from core.processes import Child, ChildGroup, backoff_seconds, read_statuses, status_directory

CRASH = [sys.executable, "-c", "import sys; sys.exit(3)"]
SLEEP = [sys.executable, "-c", "import time; time.sleep(120)"]


def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(n) for n in range(1, 5)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff_seconds(50) == processes.MAX_DELAY_SECONDS


def test_a_crash_loop_backs_off_alerts_and_never_stops_the_others(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(processes, "BASE_DELAY_SECONDS", 0.05)
    crasher, steady = Child("worker", CRASH), Child("web", SLEEP)
    status = status_directory(tmp_path) / "up.json"
    group = ChildGroup([crasher, steady], dict(os.environ), status)
    caplog.set_level(logging.WARNING, logger="core.processes")
    group.start()
    web_pid = steady.process.pid
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            group.tend()
            time.sleep(0.02)
        # 0.05, 0.1, 0.2, 0.4, 0.8, 1.6 s between restarts: a handful in 4 s, not hundreds
        assert 4 <= crasher.restarts <= 7, crasher.restarts
        assert steady.alive() and steady.process.pid == web_pid  # the web tier was never touched
        assert any(r.levelno == logging.ERROR and "CRASH LOOP" in r.message for r in caplog.records)
        states = json.loads(status.read_text())["children"]
        assert states["worker"]["state"] == "crash-looping"
        assert states["web"]["state"] == "running"
        assert read_statuses(tmp_path) == {"up/worker": "crash-looping", "up/web": "running"}
    finally:
        group.stop(timeout=5)
    assert not steady.alive() and not status.exists()


def test_children_die_with_their_parent_even_on_sigkill(tmp_path):
    """A parent that starts a child the supervised way, then is SIGKILLed: the child follows."""
    script = (
        "import sys, time\n"
        "from core.processes import Child\n"
        f"child = Child('loop', {SLEEP!r})\n"
        "child.start({})\n"
        "print(child.process.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    assert psutil.pid_exists(child_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    gone, alive = psutil.wait_procs([psutil.Process(child_pid)], timeout=5)
    assert not alive, "the child outlived its SIGKILLed parent (an orphan)"
