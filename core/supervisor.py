"""`studio up`: one parent that runs the embedded Redis, gunicorn and RQ workers, restarts a
child that dies, and stops every child on Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.config import REPO_ROOT
from core.redis_server import EmbeddedRedis

logger = logging.getLogger(__name__)

RESTART_WINDOW_SECONDS = 60
MAX_RESTARTS_PER_WINDOW = 5
STOP_TIMEOUT_SECONDS = 15


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.argv, env=env, cwd=REPO_ROOT)
        logger.info("started %s (pid %s)", self.name, self.process.pid)

    def may_restart(self) -> bool:
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW_SECONDS]
        self.restarts.append(now)
        return len(self.restarts) <= MAX_RESTARTS_PER_WINDOW


class Supervisor:
    def __init__(self, config: dict, port: int, web_workers: int, workers: int):
        self.config = config
        self.port = port
        self.embedded: EmbeddedRedis | None = None
        self.stopping = False
        python = sys.executable
        bin_dir = Path(python).parent
        self.children = [
            Child(
                "web",
                [
                    str(bin_dir / "gunicorn"),
                    "wsgi:app",
                    "--config",
                    "python:core.gunicorn_conf",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(web_workers),
                    "--threads",
                    "4",
                    "--worker-class",
                    "gthread",
                    "--graceful-timeout",
                    "10",
                    "--access-logfile",
                    "-",
                ],
            )
        ] + [
            Child(f"worker-{index + 1}", [python, "-m", "core.cli", "worker"])
            for index in range(workers)
        ]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if not self.config.get("REDIS_URL"):
            self.embedded = EmbeddedRedis(Path(self.config["INSTANCE_PATH"]) / "redis")
            env["REDIS_URL"] = self.embedded.start()
        env.setdefault("SECRET_KEY", self.config["SECRET_KEY"])
        env["STUDIO_PORT"] = str(self.port)
        return env

    def run(self, on_ready=None) -> int:
        env = self.environment()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.request_stop)
        for child in self.children:
            child.start(env)
        if on_ready is not None:
            on_ready(env)
        try:
            while not self.stopping:
                self.watch(env)
                time.sleep(0.5)
        finally:
            self.stop_all()
        return 0

    def watch(self, env: dict[str, str]) -> None:
        for child in self.children:
            code = child.process.poll() if child.process else None
            if code is None or self.stopping:
                continue
            if child.may_restart():
                logger.warning("%s exited with status %s; restarting", child.name, code)
                child.start(env)
            else:
                logger.error("%s keeps exiting (status %s); stopping everything", child.name, code)
                self.stopping = True

    def request_stop(self, signum, frame) -> None:
        self.stopping = True

    def stop_all(self) -> None:
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in running:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        if self.embedded is not None:
            self.embedded.stop()
        logger.info("all children stopped")
