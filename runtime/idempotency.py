"""Idempotency-Key for participant writes.

The first request with a key claims it by inserting an IdempotencyRecord (UNIQUE scope+key);
its answer (status code and body, 2xx or 4xx) is stored and replayed for every repeat with the
same key and the same request (method, path, body). The same key with a different request gets
409 `idempotency_conflict`. A repeat that arrives while the first is still running waits for it
(up to WAIT_SECONDS). A 5xx or crash releases the key so a retry can run; draws also carry the
key in Draw.idempotency_key (UNIQUE per participant), so a retry after a crash between the draw
commit and the stored answer returns that draw. Keys expire after IDEMPOTENCY_TTL_SECONDS
(default 86400 s = 24 h); after that the key may be reused.
"""

from __future__ import annotations

import functools
import hashlib
import time
from datetime import timedelta

from flask import current_app, jsonify, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem, problem_response
from core.extensions import db
from core.models import IdempotencyRecord, utcnow
from runtime.reads import reading

WAIT_SECONDS = 10.0
ABANDONED_SECONDS = 60
MAX_KEY_LENGTH = 128


def request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def _claim(scope: str, key: str, digest: str) -> IdempotencyRecord | None:
    """Insert our claim; None if we own the key now, else the existing record."""
    now = utcnow()
    ttl = current_app.config.get("IDEMPOTENCY_TTL_SECONDS", 86400)
    for _ in range(3):
        db.session.add(
            IdempotencyRecord(
                scope=scope, key=key, request_hash=digest, expires_at=now + timedelta(seconds=ttl)
            )
        )
        try:
            db.session.commit()
            return None
        except IntegrityError:
            db.session.rollback()
        with reading():
            existing = db.session.scalar(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
                )
            )
            if existing is not None:
                db.session.expunge(existing)
        if existing is None:
            continue
        stale = (
            existing.status_code is None
            and (now - existing.created_at).total_seconds() > ABANDONED_SECONDS
        )
        if existing.expires_at <= now or stale:
            db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
            db.session.commit()
            continue
        return existing
    raise ApiProblem(409, "idempotency_in_progress", "Please retry this request.")


def _wait(scope: str, key: str) -> IdempotencyRecord | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        with reading():
            row = db.session.scalar(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
                )
            )
            if row is not None:
                db.session.expunge(row)
        if row is None or row.status_code is not None:
            return row
    return None


def _replay(record: IdempotencyRecord):
    response = jsonify(record.response)
    response.status_code = record.status_code
    if record.status_code >= 400:
        response.mimetype = "application/problem+json"
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(scope: str, key: str, status: int, body) -> None:
    db.session.rollback()
    db.session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
        .values(status_code=status, response=body)
    )
    db.session.commit()


def _release(scope: str, key: str) -> None:
    db.session.rollback()
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    db.session.commit()


def idempotent(view):
    """Wrap a participant write view (after authentication has set g.principal)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        key = key.strip()
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise ApiProblem(
                400,
                "validation_error",
                "Idempotency-Key: 1-128 printable chars.",
                errors=[
                    {"path": "header.Idempotency-Key", "message": "1-128 printable characters"}
                ],
            )
        principal = request.environ["studio.principal"]
        scope = f"p:{principal.channel_id}:{principal.sub}"
        digest = request_hash()
        existing = _claim(scope, key, digest)
        if existing is not None:
            if existing.request_hash != digest:
                raise ApiProblem(
                    409,
                    "idempotency_conflict",
                    "This Idempotency-Key was used for a different request.",
                )
            if existing.status_code is None:
                existing = _wait(scope, key)
                if existing is None or existing.status_code is None:
                    raise ApiProblem(
                        409,
                        "idempotency_in_progress",
                        "The first request with this key is still running.",
                    )
            return _replay(existing)
        request.environ["studio.idempotency_key"] = key
        try:
            response = view(*args, **kwargs)
        except ApiProblem as exc:
            if exc.status >= 500:
                _release(scope, key)
                raise
            problem = problem_response(exc.status, exc.code, exc.detail, exc.title, **exc.extra)
            _store(scope, key, exc.status, problem.get_json())
            return problem
        except Exception:
            _release(scope, key)
            raise
        response = current_app.make_response(response)
        if response.status_code >= 500:
            _release(scope, key)
        else:
            _store(scope, key, response.status_code, response.get_json())
        return response

    return wrapper
