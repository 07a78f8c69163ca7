"""Per-participant and per-IP rate limits of the API, counted in Redis by Flask-Limiter.

Each API blueprint has fixed limits (`RUNTIME_RATE_LIMIT_PARTICIPANT`, `RUNTIME_RATE_LIMIT_IP`),
counted per endpoint in fixed windows by the `limits` strategy Flask-Limiter builds from
`RATELIMIT_STORAGE_URI` (`limiter.limiter`: the same Redis storage, shared by every process).
A before-request hook checks them directly instead of through `limiter.limit(...)`: Flask-
Limiter's per-request resolution of decorated limits cost ~0.8 ms of CPU per request on top
of its two Redis calls, a quarter of a draw's server time (docs/benchmarks.md).

The participant key is the VERIFIED token's channel and subject: an unverified claim would let
anyone spend another participant's allowance with a forged token; a request whose token does
not verify is counted by its IP (and answered 401).
"""

from __future__ import annotations

import time
from typing import Literal

from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from core.errors import ApiProblem
from core.extensions import limiter
from runtime.api.common import principal

Kind = Literal["participant", "ip"]
DEFAULTS = {"participant": "120/minute", "ip": "1200/minute"}
SETTINGS = {"participant": "RUNTIME_RATE_LIMIT_PARTICIPANT", "ip": "RUNTIME_RATE_LIMIT_IP"}


def limit_for(kind: Kind) -> RateLimitItem:
    """The app's limit of `kind`, parsed once per app."""
    parsed = current_app.extensions.setdefault("api_rate_limits", {})
    item = parsed.get(kind)
    if item is None:
        item = parsed[kind] = parse(current_app.config.get(SETTINGS[kind], DEFAULTS[kind]))
    return item


def limit_key(kind: Kind) -> str:
    if kind == "ip":
        return get_remote_address()
    try:
        verified = principal()
    except ApiProblem:
        return f"ip:{get_remote_address()}"
    return f"p:{verified.channel_key}:{verified.sub}"


def check(kinds: tuple[Kind, ...]) -> None:
    """Count this request against each limit; 429 with Retry-After on the first one spent."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    strategy = limiter.limiter
    prefix = config.get("RATELIMIT_KEY_PREFIX", "")
    for kind in kinds:
        item = limit_for(kind)
        identifiers = (prefix, limit_key(kind), request.endpoint or request.path)
        if not strategy.hit(item, *identifiers):
            reset_at, _ = strategy.get_window_stats(item, *identifiers)
            raise TooManyRequests(str(item), retry_after=max(1, int(reset_at - time.time()) + 1))


def rate_limited(blueprint: Blueprint, *kinds: Kind) -> None:
    """Check `kinds` of limits before every request to `blueprint`'s endpoints."""
    blueprint.before_request(lambda: check(kinds))
