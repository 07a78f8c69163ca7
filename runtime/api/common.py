"""Helpers shared by the API views: the authenticated participant, idempotent writes."""

from __future__ import annotations

import functools

from flask import current_app, request

from runtime.auth import Principal, bearer_principal
from runtime.idempotency import idempotent

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
        found = request.environ["studio.principal"] = bearer_principal()
    return found


def participant_write(view):
    """Authenticate first, then apply the Idempotency-Key protocol."""
    wrapped = idempotent(view)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        principal()
        return wrapped(*args, **kwargs)

    return wrapper


def rate_limit_key() -> str:
    """Per-participant limit key from the VERIFIED token (channel and subject), else the IP.

    An unverified claim would let anyone spend another participant's allowance with a forged
    token; a request whose token does not verify is limited by its IP (and answered 401)."""
    from flask_limiter.util import get_remote_address

    from core.errors import ApiProblem

    try:
        verified = principal()
    except ApiProblem:
        return f"ip:{get_remote_address()}"
    return f"p:{verified.channel_key}:{verified.sub}"


def participant_limit() -> str:
    return current_app.config.get("RUNTIME_RATE_LIMIT_PARTICIPANT", "120/minute")


def ip_limit() -> str:
    return current_app.config.get("RUNTIME_RATE_LIMIT_IP", "1200/minute")
