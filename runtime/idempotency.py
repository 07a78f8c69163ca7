"""Idempotency-Key for participant writes.

Draws (`redis_idempotent`): the first request claims the key in Redis (one script call: SET NX
that returns what was there), holding the request hash; the claim lives ABANDONED_SECONDS while
the draw runs, then the answer (status and body, 2xx or 4xx) replaces it for
IDEMPOTENCY_TTL_SECONDS. A repeat with the same request gets the stored answer (waiting up to
WAIT_SECONDS for a running first one), another request with the key gets 409
`idempotency_conflict`. The database backstop is Draw UNIQUE(participant_id, idempotency_key):
if Redis lost the record, a retry cannot draw twice and answers with the committed draw (whose
evidence keeps the request hash, so a different request still gets 409); a refusal stored only
in Redis is evaluated again if Redis lost it.

Other writes (`idempotent`): the first request claims the key by inserting an
IdempotencyRecord (UNIQUE scope+key); its answer is stored and replayed for every repeat with
the same request (method, path, body). They also put the request hash in the same Redis
namespace, so a key used for a draw and then for another write (or the other way round) gets
409 while Redis keeps it. A repeat that arrives while the first is still running waits for it
(up to WAIT_SECONDS). A 5xx or crash releases the key so a retry can run. Keys expire after
IDEMPOTENCY_TTL_SECONDS (default 86400 s = 24 h); after that the key may be reused.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
import time
from datetime import timedelta

import redis
from flask import current_app, jsonify, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem, problem_response
from core.extensions import db
from core.models import IdempotencyRecord, utcnow
from runtime import hotstate
from runtime.reads import reading

logger = logging.getLogger(__name__)

WAIT_SECONDS = 10.0
POLL_SECONDS = 0.02
ABANDONED_SECONDS = 60
MAX_KEY_LENGTH = 128


def request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def ttl_seconds() -> int:
    return int(current_app.config.get("IDEMPOTENCY_TTL_SECONDS", 86400))


def checked_key() -> str | None:
    """The request's Idempotency-Key (stripped), None without one; 400 when malformed."""
    key = request.environ.get("HTTP_IDEMPOTENCY_KEY")  # request.headers.get, without its KeyError
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise ApiProblem(
            400,
            "validation_error",
            "Idempotency-Key: 1-128 printable chars.",
            errors=[{"path": "header.Idempotency-Key", "message": "1-128 printable characters"}],
        )
    return key


def conflict() -> ApiProblem:
    return ApiProblem(
        409, "idempotency_conflict", "This Idempotency-Key was used for a different request."
    )


def replay_response(status: int, body):
    response = jsonify(body)
    response.status_code = status
    if status >= 400:
        response.mimetype = "application/problem+json"
    response.headers["Idempotent-Replayed"] = "true"
    return response


# --- Redis records (draws; and the shared namespace for other writes) -----------------------


def redis_key(principal, key: str) -> str:
    """One record per (channel, subject, key); hashed so no separator can be ambiguous."""
    raw = json.dumps([principal.channel_id, principal.sub, key], ensure_ascii=False)
    return "idem:" + hashlib.sha256(raw.encode()).hexdigest()


def redis_claim(record_key: str, claim: str, ttl: int) -> dict | None:
    """Claim the key; None if it is ours now, else the record already there."""
    found = hotstate.Scripts.get("idem_claim")(keys=[record_key], args=[claim, ttl])
    return json.loads(found) if found else None


def redis_release(record_key: str, claim: str) -> None:
    hotstate.Scripts.get("idem_release")(keys=[record_key], args=[claim])


def _redis_wait(record_key: str) -> dict | None:
    """The answered record, or None if the first request gave up (5xx) or is still running."""
    conn = hotstate.client()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        raw = conn.get(record_key)
        if raw is None:
            return None
        record = json.loads(raw)
        if "s" in record:
            return record
    return None


def _redis_existing(record: dict, digest: str):
    if record["h"] != digest:
        raise conflict()
    if "s" not in record:
        return None
    return replay_response(record["s"], record["b"])


def redis_idempotent(view):
    """Idempotency-Key protocol kept in Redis, for the draw (after authentication)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = checked_key()
        if key is None:
            return view(*args, **kwargs)
        digest = request_hash()
        record_key = redis_key(request.environ["studio.principal"], key)
        claim = json.dumps({"h": digest, "c": secrets.token_hex(8)})
        existing = redis_claim(record_key, claim, ABANDONED_SECONDS)
        if existing is not None:
            replay = _redis_existing(existing, digest)
            if replay is not None:
                return replay
            answered = _redis_wait(record_key)
            if answered is None:
                raise ApiProblem(
                    409,
                    "idempotency_in_progress",
                    "The first request with this key is still running.",
                )
            return _redis_existing(answered, digest)
        request.environ["studio.idempotency_key"] = key
        request.environ["studio.request_hash"] = digest
        return _run_and_store(view, args, kwargs, record_key, claim, digest)

    return wrapper


def _run_and_store(view, args, kwargs, record_key: str, claim: str, digest: str):
    try:
        response = view(*args, **kwargs)
    except ApiProblem as exc:
        if exc.status >= 500:
            redis_release(record_key, claim)
            raise
        problem = problem_response(exc.status, exc.code, exc.detail, exc.title, **exc.extra)
        _redis_store(record_key, digest, exc.status, problem.get_json())
        return problem
    except Exception:
        redis_release(record_key, claim)
        raise
    response = current_app.make_response(response)
    if response.status_code >= 500:
        redis_release(record_key, claim)
    else:
        _redis_store(record_key, digest, response.status_code, response.get_json())
    return response


def _redis_store(record_key: str, digest: str, status: int, body) -> None:
    """Keep the answer for repeats. If Redis went away after the draw committed, the answer
    still goes out: a repeat finds the committed draw in the ledger (existing_answer)."""
    record = json.dumps({"h": digest, "s": status, "b": body}, ensure_ascii=False)
    try:
        hotstate.client().set(record_key, record, ex=ttl_seconds())
    except redis.RedisError as exc:
        logger.warning("Idempotency-Key answer not stored (%s); the ledger backs repeats", exc)


# --- SQL records (every other participant write) ---------------------------------------------


def _claim(scope: str, key: str, digest: str) -> IdempotencyRecord | None:
    """Insert our claim; None if we own the key now, else the existing record."""
    now = utcnow()
    ttl = ttl_seconds()
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


def _shared_claim(principal, key: str, digest: str) -> tuple[str, str] | None:
    """Mark the key in the Redis namespace draws use; 409 if a draw (or another request) holds
    it with a different request. Returns what to release on a 5xx, None if it was there."""
    record_key = redis_key(principal, key)
    claim = json.dumps({"h": digest, "sql": 1})
    existing = redis_claim(record_key, claim, ttl_seconds())
    if existing is None:
        return record_key, claim
    if existing.get("h") != digest:
        raise conflict()
    return None


def idempotent(view):
    """Wrap a participant write view (after authentication has set g.principal)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = checked_key()
        if key is None:
            return view(*args, **kwargs)
        principal = request.environ["studio.principal"]
        scope = f"p:{principal.channel_id}:{principal.sub}"
        digest = request_hash()
        shared = _shared_claim(principal, key, digest)
        existing = _claim(scope, key, digest)
        if existing is not None:
            if existing.request_hash != digest:
                raise conflict()
            if existing.status_code is None:
                existing = _wait(scope, key)
                if existing is None or existing.status_code is None:
                    raise ApiProblem(
                        409,
                        "idempotency_in_progress",
                        "The first request with this key is still running.",
                    )
            return replay_response(existing.status_code, existing.response)
        request.environ["studio.idempotency_key"] = key

        def release() -> None:
            _release(scope, key)
            if shared is not None:
                redis_release(*shared)

        try:
            response = view(*args, **kwargs)
        except ApiProblem as exc:
            if exc.status >= 500:
                release()
                raise
            problem = problem_response(exc.status, exc.code, exc.detail, exc.title, **exc.extra)
            _store(scope, key, exc.status, problem.get_json())
            return problem
        except Exception:
            release()
            raise
        response = current_app.make_response(response)
        if response.status_code >= 500:
            release()
        else:
            _store(scope, key, response.status_code, response.get_json())
        return response

    return wrapper
