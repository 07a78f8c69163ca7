"""`studio worker`: the reward issuance loop, RQ workers (one queue per process, with RQ's
scheduler) and the cron scheduler, each in its own child process, restarted if it dies.

`studio worker --queue NAME` runs just that one queue in this process (`issuance` is the
outbox loop); `--burst` drains the outbox and the RQ queues once, in this process, and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

from flask import Flask
from rq import Worker

from core.extensions import redis_store

logger = logging.getLogger(__name__)

RESTART_DELAY_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 15
REDIS_RETRY_CAP_SECONDS = 4.0


class StudioWorker(Worker):
    """RQ's worker, made to exit (so `studio worker` restarts it) when Redis comes back.

    * RQ doubles its wait between reconnection attempts up to a minute; after a Redis restart
      scheduled work should resume within seconds, and retrying every few seconds is cheap.
    * When Redis dies under a running job, RQ quits; its teardown then sends UNSUBSCRIBE on
      the command channel, and if Redis is back by then redis-py re-subscribes on reconnect
      while the pubsub thread reads the same connection: the process hangs for good (seen in
      the Redis crash test). Closing the pubsub connection unsubscribes just as well.
    """

    max_connection_wait_time = REDIS_RETRY_CAP_SECONDS

    def unsubscribe(self) -> None:
        if self.pubsub_thread:
            logger.info("worker %s: closing the command channel", self.name)
            self.pubsub_thread.stop()
            self.pubsub_thread.join(timeout=1)
            self.pubsub.close()


def run_rq_worker(app: Flask, queue_name: str, burst: bool = False) -> bool:
    """One RQ worker process for one queue, with RQ's scheduler (moves enqueue_at jobs)."""
    worker = StudioWorker([redis_store.queue(queue_name)], connection=redis_store.raw)
    logger.info("rq worker %s listening on %s", worker.name, queue_name)
    with app.app_context():
        return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def child_commands(issuance_processes: int) -> list[tuple[str, list[str]]]:
    """Issuance loops start lean (`python -m runtime.issuance`, no web packages); the RQ
    worker and cron run jobs that may need the whole app, so they start through the CLI."""
    base = [sys.executable, "-m", "core.cli", "issuance"]
    loop = [sys.executable, "-m", "runtime.issuance", "loop"]
    children = [(f"issuance-{n + 1}", loop) for n in range(issuance_processes)]
    children.append(("rq-default", [*base, "rq", "--queue", "default"]))
    children.append(("cron", [*base, "cron"]))
    return children


def supervise(children: list[tuple[str, list[str]]]) -> int:
    """Start every child, restart any that exits, stop all on SIGTERM/SIGINT."""
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    running: dict[str, subprocess.Popen] = {}
    for name, argv in children:
        running[name] = subprocess.Popen(argv, env=dict(os.environ))
        logger.info("started %s (pid %s)", name, running[name].pid)
    commands = dict(children)
    try:
        while not stopping:
            time.sleep(0.5)
            for name, process in list(running.items()):
                if process.poll() is not None and not stopping:
                    logger.warning("%s exited with %s; restarting", name, process.returncode)
                    time.sleep(RESTART_DELAY_SECONDS)
                    running[name] = subprocess.Popen(commands[name], env=dict(os.environ))
    finally:
        for process in running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in running.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return 0


def run_worker(app: Flask, queue_names: list[str] | None = None, burst: bool = False) -> bool:
    from runtime.issuance.loop import run_issuance_process

    if burst:
        for name in queue_names or ["issuance", "default"]:
            if name == "issuance":
                run_issuance_process(app, burst=True)
            else:
                run_rq_worker(app, name, burst=True)
        return True
    if queue_names and len(queue_names) == 1:
        if queue_names[0] == "issuance":
            run_issuance_process(app)
            return True
        return run_rq_worker(app, queue_names[0])
    processes = int(
        app.config.get("ISSUANCE_PROCESSES") or os.environ.get("ISSUANCE_PROCESSES") or 1
    )
    children = child_commands(processes)
    if queue_names:
        children = [
            c
            for c in children
            if c[0] == "cron" or any(c[0].startswith(q) or c[0] == f"rq-{q}" for q in queue_names)
        ]
    return supervise(children) == 0
