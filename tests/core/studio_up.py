"""Run `studio up` as a real process tree for fault tests: start, find children, stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

from tests.conftest import free_port

STUDIO = str(Path(sys.executable).parent / "studio")


class StudioUp:
    """`studio up` on a free port with its own instance folder (and so its own embedded Redis
    under the supervisor) against `database_url`."""

    def __init__(self, instance: Path, database_url: str, web_workers: int = 2, **env: str):
        self.instance = instance
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        skip = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")  # development generates a key
        self.env = {k: v for k, v in os.environ.items() if k not in skip}
        self.env.update(
            STUDIO_INSTANCE_PATH=str(instance),
            DATABASE_URL=database_url,
            STUDIO_ENV="development",
            **env,
        )
        self.web_workers = web_workers
        self.process: subprocess.Popen | None = None
        self.log = instance / "up.log"

    def studio(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [STUDIO, *args], env=self.env, check=True, capture_output=True, timeout=timeout
        )

    def start(self, timeout: float = 90, own_group: bool = False) -> dict:
        """`own_group`: in a process group of its own, as a terminal runs it (Ctrl-C there
        sends SIGINT to the whole foreground group: `interrupt()`)."""
        self.instance.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [STUDIO, "up", "--port", str(self.port), "--web-workers", str(self.web_workers)],
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            process_group=0 if own_group else None,
        )
        return self.wait_ready(timeout)

    def readyz(self) -> dict | None:
        try:
            return requests.get(self.base + "/readyz", timeout=5).json()
        except (requests.RequestException, ValueError):
            return None

    def wait_ready(self, timeout: float) -> dict:
        """Until database and Redis answer (and every web worker is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            found = self.readyz()
            checks = (found or {}).get("checks", {})
            if checks.get("redis") == "ok" and checks.get("database") == "ok":
                for _ in range(self.web_workers * 2):
                    self.readyz()
                return found
            time.sleep(0.2)
        raise AssertionError("studio up not ready:\n" + self.log.read_text()[-3000:])

    def tree(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def find(self, *words: str) -> list[psutil.Process]:
        """Live descendants whose command line holds every word."""
        found = []
        for proc in self.tree():
            try:
                line = " ".join(proc.cmdline())
                if all(word in line for word in words) and proc.status() != "zombie":
                    found.append(proc)
            except psutil.Error:
                continue
        return found

    def wait_for(self, *words: str, count: int = 1, timeout: float = 30) -> list[psutil.Process]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find(*words)
            if len(found) == count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{words}: {len(self.find(*words))} running, expected {count}")

    def interrupt(self) -> None:
        """What Ctrl-C in the terminal does: SIGINT to the foreground process group."""
        os.killpg(self.process.pid, signal.SIGINT)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        children = self.tree()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        _, alive = psutil.wait_procs(children, timeout=10)
        for proc in alive:
            proc.kill()
