"""Participant bearer tokens and channel-signed server events.

Tokens: JWT HS256 signed with the channel secret, `iss` = channel key, `sub`, `exp` required:
a whole number of Unix seconds at most TOKEN_MAX_LIFETIME_SECONDS ahead (a token valid until
the year 9999 is a password that never expires); `sub` and `attrs` must be storable JSON (no
`Infinity`, no NUL or lone surrogate).
Server events: `X-Studio-Channel: <key>`, `X-Studio-Timestamp: <unix seconds>` and
`X-Studio-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`; the timestamp
must be within EVENT_SIGNATURE_WINDOW seconds of the server clock. Channel secrets are cached
in-process for CHANNEL_CACHE_SECONDS so the hot path skips the channel lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from flask import current_app, request
from sqlalchemy import select

from core.accounts import AccountError, secret_for
from core.errors import ApiProblem
from core.extensions import db
from core.models import Channel
from core.tokens import max_lifetime, storable_json
from rules.limits import MAX_JSON_DEPTH
from runtime.loader import cache
from runtime.reads import reading

logger = logging.getLogger(__name__)

CHANNEL_CACHE_SECONDS = 30
EVENT_SIGNATURE_WINDOW = 300


@dataclass(frozen=True)
class ChannelSecret:
    channel_id: int
    key: str
    secret: str
    expires: float
    name: str = ""


@dataclass(frozen=True)
class Principal:
    """The verified caller: a participant (`sub`) of a channel, with the token's attributes."""

    channel_id: int
    channel_key: str
    sub: str
    attrs: dict[str, Any] = field(default_factory=dict)
    channel_name: str = ""


def invalid(detail: str = "The bearer token is missing, expired or not valid.") -> ApiProblem:
    return ApiProblem(401, "invalid_token", detail)


def channel_secret(key: str) -> ChannelSecret | None:
    store = cache().channels
    entry = store.get(key)
    now = time.monotonic()
    if entry is not None and entry.expires > now:
        return entry
    with reading():
        channel = db.session.scalar(select(Channel).where(Channel.key == key))
        if channel is None or not channel.active:
            store.pop(key, None)
            return None
        try:
            secret = secret_for(channel)
        except AccountError:
            logger.error("channel %s: secret cannot be derived (SECRET_KEY changed?)", key)
            return None
        entry = ChannelSecret(
            channel.id, channel.key, secret, now + CHANNEL_CACHE_SECONDS, channel.name
        )
    store[key] = entry
    return entry


def _check_lifetime(claims: dict[str, Any]) -> None:
    """`exp` a whole number (PyJWT also takes "9999999999" as text) within the longest lifetime
    a channel may give a token."""
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int):
        raise invalid("The token's exp must be a whole number of Unix seconds.")
    longest = max_lifetime()
    leeway = current_app.config.get("TOKEN_LEEWAY_SECONDS", 5)
    if exp - time.time() > longest + leeway:
        raise invalid(f"The token lives longer than {longest} seconds; mint a shorter one.")


def forget_channel(key: str) -> None:
    """Drop this process's cached secret of a channel (after its secret was rotated here)."""
    cache().channels.pop(key, None)


def verify_token(token: str) -> Principal:
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise invalid() from None
    issuer = unverified.get("iss")
    if not isinstance(issuer, str):
        raise invalid()
    entry = channel_secret(issuer)
    if entry is None:
        raise invalid("The token's channel is unknown or disabled.")
    try:
        claims = jwt.decode(
            token,
            entry.secret,
            algorithms=["HS256"],
            issuer=issuer,
            options={"require": ["exp", "iss", "sub"]},
            leeway=current_app.config.get("TOKEN_LEEWAY_SECONDS", 5),
        )
    except jwt.PyJWTError:
        raise invalid() from None
    _check_lifetime(claims)
    sub, attrs = claims.get("sub"), claims.get("attrs") or {}
    if not isinstance(sub, str) or not 1 <= len(sub) <= 128 or not isinstance(attrs, dict):
        raise invalid("The token's subject or attributes are malformed.")
    if not storable_json([sub, attrs], MAX_JSON_DEPTH):
        raise invalid(
            "The token's subject or attributes hold a non-finite number, a NUL character or "
            "a lone surrogate, or nest too deep."
        )
    return Principal(entry.channel_id, entry.key, sub, attrs, entry.name)


def bearer_principal() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise invalid("Send `Authorization: Bearer <participant token>`.")
    return verify_token(token.strip())


def verify_event_signature() -> ChannelSecret:
    """Check the HMAC headers of a server event against the raw body."""
    key = request.headers.get("X-Studio-Channel", "")
    stamp = request.headers.get("X-Studio-Timestamp", "")
    signature = request.headers.get("X-Studio-Signature", "")
    entry = channel_secret(key) if key else None
    if entry is None:
        raise invalid("Unknown channel in X-Studio-Channel.")
    try:
        age = abs(time.time() - int(stamp))
    except ValueError:
        raise invalid("X-Studio-Timestamp must be Unix seconds.") from None
    if age > EVENT_SIGNATURE_WINDOW:
        raise invalid("X-Studio-Timestamp is outside the accepted window.")
    expected = "sha256=" + sign_event(entry.secret, stamp, request.get_data())
    if not hmac.compare_digest(expected, signature):
        raise invalid("X-Studio-Signature does not match.")
    return entry


def sign_event(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.<body>" (for integrators and tests)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
