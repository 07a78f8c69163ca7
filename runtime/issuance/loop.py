"""The issuance loop: one per issuance worker process.

It claims due rewards in batches and issues them until the outbox is empty, then waits for a
wake-up (`runtime.issuance.wake()` pushes to a Redis list the loop BLPOPs) or the poll
interval, whichever comes first. Redis is only a doorbell: with Redis down the loop keeps
polling the database, so nothing waits on Redis to be issued.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import redis
from flask import Flask, has_app_context

from core.extensions import db, redis_store
from runtime.issuance.claim import claim_batch, reclaim_expired
from runtime.issuance.engine import BatchReport, issue_external, issue_internal
from runtime.issuance.issuers import default_registry
from runtime.issuance.settings import IssuanceSettings, load_settings
from runtime.loyalty.refunds import SWEEP_EVERY_SECONDS as REFUND_SWEEP_SECONDS
from runtime.loyalty.refunds import refund_failed

logger = logging.getLogger(__name__)

WAKE_KEY = "cs:issuance:wake"
WORKER_KEY = "cs:issuance:worker:{}"
COUNTER_KEY = "cs:issuance:{}:{}"  # outcome, minute
RECLAIM_EVERY_SECONDS = 1.0
HEARTBEAT_SECONDS = 5


def wake(client: redis.Redis | None = None) -> None:
    """Ring the doorbell: an idle issuance loop starts claiming at once (best effort)."""
    client = client or redis_store.client
    try:
        with client.pipeline(transaction=False) as pipe:
            pipe.lpush(WAKE_KEY, 1)
            pipe.ltrim(WAKE_KEY, 0, 63)
            pipe.execute()
    except redis.RedisError:
        logger.debug("wake: Redis unavailable; loops will poll")


def count_outcomes(client: redis.Redis, report: BatchReport) -> None:
    minute = int(time.time() // 60)
    try:
        with client.pipeline(transaction=False) as pipe:
            for outcome in ("issued", "retried", "failed"):
                amount = len(getattr(report, outcome))
                if amount:
                    key = COUNTER_KEY.format(outcome, minute)
                    pipe.incrby(key, amount)
                    pipe.expire(key, 7200)
            pipe.execute()
    except redis.RedisError:
        pass


class IssuanceLoop:
    """Drains the outbox with the enabled issuers; `run()` until SIGTERM (or empty in burst)."""

    def __init__(
        self,
        app: Flask,
        worker_id: str | None = None,
        settings: IssuanceSettings | None = None,
        kinds: list[str] | None = None,
    ):
        self.app = app
        self.worker_id = worker_id or f"{socket.gethostname()}.{os.getpid()}"
        with app.app_context():
            self.settings = settings or load_settings()
        self.issuers = default_registry().build(self.settings, kinds)
        self.internal_kinds = [k for k, i in self.issuers.items() if i.internal]
        self.external_kinds = [k for k, i in self.issuers.items() if not i.internal]
        self.pool = (
            ThreadPoolExecutor(self.settings.webhook_threads) if self.external_kinds else None
        )
        self.stopping = False
        self.processed = 0
        self._last_reclaim = 0.0
        self._last_refund_sweep = 0.0
        self._last_beat = 0.0

    def request_stop(self, signum=None, frame=None) -> None:
        self.stopping = True

    def run_once(self) -> BatchReport:
        """Claim and issue one batch of internal and one of external rewards."""
        session, settings = db.session, self.settings
        report = BatchReport()
        if self.internal_kinds:
            claimed = claim_batch(
                session,
                self.worker_id,
                settings.batch_size,
                settings.lease_seconds,
                self.internal_kinds,
            )
            report.merge(issue_internal(session, claimed, self.issuers, settings))
        if self.external_kinds:
            claimed = claim_batch(
                session,
                self.worker_id,
                settings.external_batch_size,
                settings.lease_seconds,
                self.external_kinds,
            )
            report.merge(issue_external(session, claimed, self.issuers, settings, self.pool))
        if report.total:
            logger.info(
                "worker %s: issued %s, retrying %s, failed %s, lost %s",
                self.worker_id,
                len(report.issued),
                len(report.retried),
                len(report.failed),
                len(report.lost),
            )
            count_outcomes(redis_store.client, report)
        self.processed += len(report.issued)
        if report.failed:  # a failed exchange part gives its points back at once
            refund_failed(session, report.failed)
        return report

    def housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_reclaim >= RECLAIM_EVERY_SECONDS:
            self._last_reclaim = now
            requeued, failed = reclaim_expired(db.session)
            if requeued or failed:
                logger.warning("reclaimed %s abandoned claims (%s now failed)", requeued, failed)
        if now - self._last_refund_sweep >= REFUND_SWEEP_SECONDS:
            self._last_refund_sweep = now
            refund_failed(db.session)
        if now - self._last_beat >= HEARTBEAT_SECONDS:
            self._last_beat = now
            beat = json.dumps({"pid": os.getpid(), "issued": self.processed, "at": time.time()})
            try:
                redis_store.client.set(
                    WORKER_KEY.format(self.worker_id), beat, ex=HEARTBEAT_SECONDS * 3
                )
            except redis.RedisError:
                pass

    def wait_for_wake(self) -> None:
        try:
            redis_store.client.blpop([WAKE_KEY], timeout=self.settings.poll_seconds)
        except redis.RedisError:
            time.sleep(self.settings.poll_seconds)

    def run(self, burst: bool = False, max_seconds: float | None = None) -> int:
        """Loop until asked to stop; in burst mode stop once nothing is due. Returns issued."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        context = nullcontext() if has_app_context() else self.app.app_context()
        with context:
            logger.info(
                "issuance loop %s started (issuers: %s)", self.worker_id, ", ".join(self.issuers)
            )
            while not self.stopping and (deadline is None or time.monotonic() < deadline):
                try:
                    self.housekeeping()
                    report = self.run_once()
                except Exception:  # noqa: BLE001 - keep the loop alive; the DB decides
                    logger.exception("issuance loop %s: batch failed", self.worker_id)
                    db.session.rollback()
                    if burst:
                        raise
                    time.sleep(self.settings.poll_seconds)
                    continue
                finally:
                    db.session.remove()
                if report.total == 0:
                    if burst:
                        break
                    self.wait_for_wake()
            logger.info("issuance loop %s stopped after issuing %s", self.worker_id, self.processed)
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        return self.processed


def run_issuance_process(app: Flask, burst: bool = False, kinds: list[str] | None = None) -> int:
    """Entry point of an issuance worker process: the loop with SIGTERM/SIGINT handling."""
    loop = IssuanceLoop(app, kinds=kinds)
    signal.signal(signal.SIGTERM, loop.request_stop)
    signal.signal(signal.SIGINT, loop.request_stop)
    return loop.run(burst=burst)
