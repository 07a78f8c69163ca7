"""`studio up`: one parent that runs the embedded Redis, gunicorn and the `studio worker`
processes, restarts any of them that dies (Redis too: the AOF is replayed), backs off a child
that crash-loops without ever stopping the others, and stops every child on Ctrl-C or SIGTERM.
Restart policy, parent-death signals and the status file /readyz reads: core.processes."""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path

from core import web_server
from core.config import REPO_ROOT
from core.processes import Child, ChildGroup, status_directory
from core.redis_server import EmbeddedRedis

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.2


class RedisChild(Child):
    """The embedded redis-server as a supervised child (same directory, so its AOF replays)."""

    def __init__(self, server: EmbeddedRedis):
        super().__init__("redis", [], stop_last=True)
        self.server = server

    def start(self, env: dict[str, str]) -> None:
        try:
            self.server.start(die_with_parent=True)
        except Exception as exc:  # noqa: BLE001 - reported and retried with backoff
            logger.error("embedded redis did not start: %s", exc)
        self.process = self.server.process
        self.started_at = time.monotonic()
        self.restart_at = None
        logger.info("started redis (pid %s)", self.process.pid if self.process else None)

    def stop(self) -> None:
        self.server.stop()  # SIGTERM, then waits: redis-server flushes its AOF

    def wait(self, timeout: float) -> None:
        return None  # stop() waited


class Supervisor:
    def __init__(self, config: dict, port: int, web_workers: int, workers: int):
        self.config = config
        self.port = port
        self.embedded: EmbeddedRedis | None = None
        self.stopping = False
        python = sys.executable
        server = config.get("STUDIO_WEB_SERVER", "gunicorn")
        self.children: list[Child] = [
            Child(
                "web",
                web_server.argv(server, port, web_workers, threads=4, access_log=True),
                cwd=REPO_ROOT,
            )
        ] + [
            Child(f"worker-{index + 1}", [python, "-m", "core.cli", "worker"], cwd=REPO_ROOT)
            for index in range(workers)
        ]

    def environment(self) -> dict[str, str]:
        import os

        env = dict(os.environ)
        if not self.config.get("REDIS_URL"):
            self.embedded = EmbeddedRedis(Path(self.config["INSTANCE_PATH"]) / "redis")
            env["REDIS_URL"] = self.embedded.start(die_with_parent=True)
        env.setdefault("SECRET_KEY", self.config["SECRET_KEY"])
        env["STUDIO_PORT"] = str(self.port)
        return env

    def run(self, on_ready=None) -> int:
        env = self.environment()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.request_stop)
        group = ChildGroup(
            self.children,
            env,
            status_directory(self.config["INSTANCE_PATH"]) / "up.json",
        )
        group.start()
        if self.embedded is not None:  # started first (the others need its URL); tended too
            redis_child = RedisChild(self.embedded)
            redis_child.process = self.embedded.process
            redis_child.started_at = time.monotonic()
            group.children.append(redis_child)
        if on_ready is not None:
            on_ready(env)
        try:
            while not self.stopping:
                group.tend()
                time.sleep(TICK_SECONDS)
        finally:
            group.stop()
            logger.info("all children stopped")
        return 0

    def request_stop(self, signum, frame) -> None:
        self.stopping = True
