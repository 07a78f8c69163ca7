"""Starting RQ workers bound to the app (one app context for the worker's lifetime)."""

from __future__ import annotations

import logging

from flask import Flask
from rq import Worker

from core.extensions import QUEUE_NAMES, redis_store

logger = logging.getLogger(__name__)


def run_worker(app: Flask, queue_names: list[str] | None = None, burst: bool = False) -> bool:
    names = queue_names or list(QUEUE_NAMES)
    queues = [redis_store.queue(name) for name in names]
    worker = Worker(queues, connection=redis_store.raw)
    logger.info("worker %s listening on %s", worker.name, ", ".join(names))
    with app.app_context():
        return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
