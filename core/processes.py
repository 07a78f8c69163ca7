"""Child processes that stay up: restart with capped exponential backoff, die with their parent,
and report their state in a status file that /readyz reads.

* A child that exits is restarted after BASE_DELAY * 2**(n-1) seconds (n: its exits in a row
  that came within STABLE_SECONDS of its start), at most MAX_DELAY. A child that runs for
  STABLE_SECONDS is healthy again. Nothing is ever given up on, and one child's crash loop
  never stops the others (the web tier keeps serving while a worker crash-loops).
* From CRASH_LOOP_EXITS exits in a row on, each restart is logged at ERROR and the child is
  shown as `crash-looping` in the status file (and so in /readyz).
* Every child is started with PR_SET_PDEATHSIG (Linux): if its parent dies, even by SIGKILL,
  the kernel sends it SIGTERM, so no issuance loop, RQ worker or cron is left running as an
  orphan beside the replacement's own children.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 30.0
STABLE_SECONDS = 30.0
CRASH_LOOP_EXITS = 3
STATUS_EVERY_SECONDS = 5.0
STATUS_FRESH_SECONDS = 60.0  # a status file older than this belongs to a dead supervisor
STOP_TIMEOUT_SECONDS = 15
_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A preexec_fn: the child gets `sig` when the process that started it dies (Linux)."""
    parent = os.getpid()

    def preexec() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def backoff_seconds(exits_in_a_row: int) -> float:
    if exits_in_a_row <= 0:
        return 0.0
    return min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** (exits_in_a_row - 1))


@dataclass
class Child:
    """One supervised process: `argv` started with `env`, restarted with backoff."""

    name: str
    argv: list[str]
    cwd: Path | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    exits_in_a_row: int = 0
    restarts: int = 0
    last_status: int | None = None
    restart_at: float | None = None
    stop_last: bool = False  # a dependency of the others (Redis): stopped once they are gone

    def start(self, env: dict[str, str]) -> None:
        # its own session: Ctrl-C in the terminal reaches the supervisor alone, which stops the
        # children in order (the web tier drains its requests before Redis goes)
        self.process = subprocess.Popen(
            self.argv, env=env, cwd=self.cwd, preexec_fn=die_with_parent(), start_new_session=True
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        logger.info("started %s (pid %s)", self.name, self.process.pid)

    def exit_status(self) -> int | None:
        """The status if the process has exited (reaped here), else None."""
        return self.process.poll() if self.process is not None else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def crash_looping(self) -> bool:
        return self.exits_in_a_row >= CRASH_LOOP_EXITS

    def state(self) -> str:
        """crash-looping until it has run STABLE_SECONDS; else restarting, running, stopped."""
        if self.crash_looping:
            return "crash-looping"
        if self.restart_at is not None:
            return "restarting"
        return "running" if self.alive() else "stopped"


class ChildGroup:
    """Children tended together: `tend()` restarts the dead ones, `stop()` ends them all."""

    def __init__(self, children: list[Child], env: dict[str, str], status_path: Path | None):
        self.children = children
        self.env = env
        self.status_path = status_path
        self._status_written = 0.0

    def start(self) -> None:
        for child in self.children:
            child.start(self.env)
        self.write_status()

    def tend(self) -> None:
        now = time.monotonic()
        changed = False
        for child in self.children:
            if child.restart_at is None:
                status = child.exit_status()
                if status is None:
                    if child.exits_in_a_row and now - child.started_at >= STABLE_SECONDS:
                        child.exits_in_a_row = 0
                        changed = True
                    continue
                self._schedule(child, status, now)
                changed = True
            elif now >= child.restart_at:
                child.restarts += 1
                child.start(self.env)
                changed = True
        if changed or now - self._status_written >= STATUS_EVERY_SECONDS:
            self.write_status()

    def _schedule(self, child: Child, status: int, now: float) -> None:
        if now - child.started_at >= STABLE_SECONDS:
            child.exits_in_a_row = 0
        child.exits_in_a_row += 1
        child.last_status = status
        delay = backoff_seconds(child.exits_in_a_row)
        child.restart_at = now + delay
        log = logger.error if child.crash_looping else logger.warning
        log(
            "%s exited with status %s (%d in a row); restarting in %.1f s%s",
            child.name,
            status,
            child.exits_in_a_row,
            delay,
            " - CRASH LOOP" if child.crash_looping else "",
        )

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        for last in (False, True):
            batch = [child for child in self.children if child.stop_last is last]
            for child in batch:
                child.restart_at = None
                child.stop()
            deadline = time.monotonic() + timeout
            for child in batch:
                child.wait(max(0.1, deadline - time.monotonic()))
        if self.status_path is not None:
            self.status_path.unlink(missing_ok=True)

    def status(self) -> dict:
        now = time.monotonic()
        return {
            "supervisor_pid": os.getpid(),
            "written_at": time.time(),
            "children": {
                child.name: {
                    "state": child.state(),
                    "pid": child.process.pid if child.process is not None else None,
                    "restarts": child.restarts,
                    "exits_in_a_row": child.exits_in_a_row,
                    "last_status": child.last_status,
                    "restart_in": None
                    if child.restart_at is None
                    else round(max(0.0, child.restart_at - now), 1),
                }
                for child in self.children
            },
        }

    def write_status(self) -> None:
        self._status_written = time.monotonic()
        if self.status_path is None:
            return
        try:
            self.status_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.status_path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.status()))
            temporary.replace(self.status_path)
        except OSError as exc:
            logger.warning("could not write %s: %s", self.status_path, exc)


def status_directory(instance_path: str | Path) -> Path:
    return Path(instance_path) / "processes"


def read_statuses(instance_path: str | Path) -> dict[str, str]:
    """Every supervised child's state from the fresh status files: {name: state}."""
    found: dict[str, str] = {}
    now = time.time()
    for path in sorted(status_directory(instance_path).glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if now - float(data.get("written_at", 0)) > STATUS_FRESH_SECONDS:
            continue
        for name, child in (data.get("children") or {}).items():
            found[f"{path.stem}/{name}"] = str(child.get("state"))
    return found
