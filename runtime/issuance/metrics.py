"""Operational figures for admins: outbox depth by status and kind, issuance rate per minute,
failures, RQ queue depths and live issuance workers. `snapshot()` returns plain JSON data;
`blueprint` serves it at /studio/api/issuance/metrics for the lead to mount behind admin auth."""

from __future__ import annotations

import json
import time
from typing import Any

import redis
from sqlalchemy import func, select

from core.db import read_only
from core.extensions import QUEUE_NAMES, db, redis_store
from core.models import Reward
from runtime.issuance.loop import COUNTER_KEY, WORKER_KEY


def outbox_counts() -> dict[str, dict[str, int]]:
    query = select(Reward.status, Reward.kind, func.count(Reward.id)).group_by(
        Reward.status, Reward.kind
    )
    if db.session().in_transaction():  # e.g. a studio page that has read already
        rows = db.session.execute(query).all()
    else:
        with read_only(db.session) as session:
            rows = session.execute(query).all()
    counts: dict[str, dict[str, int]] = {}
    for status, kind, count in rows:
        counts.setdefault(status, {})[kind] = count
    return counts


def rates(client: redis.Redis, minutes: int = 5) -> dict[str, list[int]]:
    """Rewards issued / retried / failed per minute, newest last."""
    now_minute = int(time.time() // 60)
    window = range(now_minute - minutes + 1, now_minute + 1)
    result = {}
    for outcome in ("issued", "retried", "failed"):
        values = client.mget([COUNTER_KEY.format(outcome, m) for m in window])
        result[outcome] = [int(v or 0) for v in values]
    return result


def workers(client: redis.Redis) -> list[dict[str, Any]]:
    found = []
    for key in client.scan_iter(match=WORKER_KEY.format("*"), count=100):
        raw = client.get(key)
        if raw:
            found.append({"id": key.split(":", 3)[-1], **json.loads(raw)})
    return found


def queue_depths() -> dict[str, dict[str, int]]:
    depths = {}
    for name in QUEUE_NAMES:
        queue = redis_store.queue(name)
        depths[name] = {
            "queued": queue.count,
            "scheduled": queue.scheduled_job_registry.count,
            "started": queue.started_job_registry.count,
            "failed": queue.failed_job_registry.count,
        }
    return depths


def snapshot() -> dict[str, Any]:
    counts = outbox_counts()
    data: dict[str, Any] = {
        "outbox": counts,
        "pending": sum(counts.get("pending", {}).values()),
        "issuing": sum(counts.get("issuing", {}).values()),
        "failed": sum(counts.get("failed", {}).values()),
    }
    try:
        client = redis_store.client
        data["rate_per_minute"] = rates(client)
        data["workers"] = workers(client)
        data["queues"] = queue_depths()
    except redis.RedisError as exc:
        data["redis_error"] = str(exc)
    return data


def metrics_view():
    """A Flask view returning snapshot() as JSON; protect it with the studio's admin check."""
    from flask import jsonify

    return jsonify(snapshot())
