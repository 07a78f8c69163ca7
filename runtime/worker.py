"""`studio worker`: the reward issuance loop, RQ workers (one queue per process, with RQ's
scheduler) and the cron scheduler, each in its own child process, restarted with backoff if it
dies, and ending with this process even when it is SIGKILLed (core.processes).

`studio worker --queue NAME` runs just that one queue in this process (`issuance` is the
outbox loop); `--burst` drains the outbox and the RQ queues once, in this process, and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

from flask import Flask
from rq import Worker

from core.extensions import redis_store
from core.processes import Child, ChildGroup, status_directory

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.2
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


def supervise(children: list[tuple[str, list[str]]], status_path: Path | None = None) -> int:
    """Start every child, restart any that exits (with backoff), stop all on SIGTERM/SIGINT."""
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    group = ChildGroup(
        [Child(name, argv) for name, argv in children], dict(os.environ), status_path
    )
    group.start()
    try:
        while not stopping:
            time.sleep(TICK_SECONDS)
            group.tend()
    finally:
        group.stop()
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
    status = status_directory(app.instance_path) / f"worker-{os.getpid()}.json"
    return supervise(children, status) == 0
