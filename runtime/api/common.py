"""Helpers shared by the API views: the authenticated participant, idempotent writes."""

from __future__ import annotations

import base64
import functools
import json
import time

from flask import request

from runtime.auth import Principal, bearer_principal, channel_secret
from runtime.idempotency import idempotent, redis_idempotent
from runtime.loader import cache

MAX_CACHED_TOKENS = 50_000

BEARER = [{"bearerAuth": []}]
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 128},
    "description": "Repeat-safe writes: the first answer is replayed for 24 h (see docs/api.md).",
}


def principal() -> Principal:
    """The verified participant of this request (kept in the WSGI environ: `g` lives as long
    as the app context, which tests share between requests)."""
    found = request.environ.get("studio.principal")
    if found is None:
        found = request.environ["studio.principal"] = verified_bearer()
    return found


def _authenticated(view, protocol):
    """`view` behind `protocol` (an Idempotency-Key decorator), authenticated before both."""
    wrapped = protocol(view)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        principal()
        return wrapped(*args, **kwargs)

    return wrapper


def participant_write(view):
    """Authenticate first, then apply the Idempotency-Key protocol (records in SQL)."""
    return _authenticated(view, idempotent)


def _expiry(token: str) -> float | None:
    """The `exp` of a token that was just verified (its payload is trusted now)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def verified_bearer() -> Principal:
    """`bearer_principal()` with verified tokens remembered in-process: the exact token string
    (signature included) maps to its Principal until the token's `exp` (no leeway) and only
    while the channel entry it was verified with is still the cached one
    (CHANNEL_CACHE_SECONDS), so a disabled channel or an expired token is refused as soon as
    without this cache. Saves the two JWT decodes on every request of a returning token."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    store = cache()
    hit = store.tokens.get(token) if token else None
    now = time.monotonic()
    if hit is not None and hit[2] > now and store.channels.get(hit[0].channel_key) is hit[1]:
        return hit[0]
    found = bearer_principal()
    exp, entry = _expiry(token), channel_secret(found.channel_key)
    if exp is not None and entry is not None:
        if len(store.tokens) >= MAX_CACHED_TOKENS:
            store.tokens.clear()
        store.tokens[token] = (found, entry, min(entry.expires, now + exp - time.time()))
    return found


def draw_write(view):
    """The draw's wrapper: authenticate first, then the Idempotency-Key records in Redis."""
    return _authenticated(view, redis_idempotent)
