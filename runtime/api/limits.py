"""Per-participant and per-IP rate limits of the API, counted in Redis (shared by every process).

Each API blueprint has fixed limits (`RUNTIME_RATE_LIMIT_PARTICIPANT`, `RUNTIME_RATE_LIMIT_IP`),
parsed by `limits` (Flask-Limiter's engine) and counted per endpoint in fixed windows, the way
its Redis storage counts them (INCR, EXPIRE when a window opens). A before-request hook counts
all of a request's limits in ONE script call (lua/rate_hit.lua): through Flask-Limiter each
limit was a separate script call plus its per-request limit resolution, together ~0.5 ms of
CPU on every draw (docs/benchmarks.md). Flask-Limiter itself still guards the studio's sign-in.

The keys of one endpoint share a hash tag (`{<endpoint>}`), so the script touches one Redis
Cluster slot; that slot sees a few INCRs per request, which one node serves many times over.

The participant key is the VERIFIED token's channel and subject: an unverified claim would let
anyone spend another participant's allowance with a forged token; a request whose token does
not verify is counted by its IP (and answered 401).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from core.errors import ApiProblem
from runtime import hotstate
from runtime.api.common import principal

Kind = Literal["participant", "ip"]
DEFAULTS = {"participant": "120/minute", "ip": "1200/minute"}
SETTINGS = {"participant": "RUNTIME_RATE_LIMIT_PARTICIPANT", "ip": "RUNTIME_RATE_LIMIT_IP"}
KEY_PREFIX = "cs-rl"


def limit_for(kind: Kind) -> RateLimitItem:
    """The app's limit of `kind`, parsed once per app."""
    parsed = current_app.extensions.setdefault("api_rate_limits", {})
    item = parsed.get(kind)
    if item is None:
        item = parsed[kind] = parse(current_app.config.get(SETTINGS[kind], DEFAULTS[kind]))
    return item


def limit_key(kind: Kind) -> str:
    if kind == "ip":
        return f"ip:{get_remote_address()}"
    try:
        verified = principal()
    except ApiProblem:
        return f"ip:{get_remote_address()}"
    return f"p:{verified.channel_key}:{verified.sub}"


def counter_key(item: RateLimitItem, kind: Kind, endpoint: str) -> str:
    """`item.key_for(...)`'s layout, the endpoint as the hash tag (an f-string: key_for made
    every part safe first, the largest cost of counting)."""
    window = f"{item.amount}/{item.multiples}/{item.GRANULARITY.name}"
    return f"{KEY_PREFIX}/{{{endpoint}}}/{kind}/{limit_key(kind)}/{window}"


@dataclass
class RateHit:
    """One request's hit on its limits: sent alone (`send`), or by an endpoint that counts its
    limits in its own first Redis call (the draw: runtime.hotstate.draw_inputs pipelines
    rate_hit.lua with its state read), which hands the counts to `settle`."""

    items: list[RateLimitItem]
    keys: list[str]
    sent: bool = False

    @property
    def args(self) -> list[int]:
        return [item.get_expiry() for item in self.items]

    def settle(self, counts: list[int]) -> None:
        """429 with Retry-After on the first limit spent."""
        self.sent = True
        for item, key, count in zip(self.items, self.keys, counts, strict=True):
            if count > item.amount:
                left = hotstate.client().ttl(key)
                raise TooManyRequests(str(item), retry_after=max(1, left))

    def send(self) -> None:
        if not self.sent:
            self.sent = True
            self.settle(hotstate.Scripts.get("rate_hit")(keys=self.keys, args=self.args))


COUNTED_IN_FIRST_CALL: set[str] = set()  # endpoints whose view sends the hit (see RateHit)
PENDING_HIT = "studio.rate_hit"


def check(kinds: tuple[Kind, ...]) -> None:
    """Count this request against each limit; 429 with Retry-After on the first one spent.
    For an endpoint in COUNTED_IN_FIRST_CALL the hit is prepared here (the keys: the token is
    verified now, as for every endpoint) and sent by the view (`counted_by_view`)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    endpoint = request.endpoint or request.path
    items = [limit_for(kind) for kind in kinds]
    keys = [counter_key(item, kind, endpoint) for item, kind in zip(items, kinds, strict=True)]
    hit = RateHit(items, keys)
    if endpoint in COUNTED_IN_FIRST_CALL:
        request.environ[PENDING_HIT] = hit
        return
    hit.send()


def pending_hit() -> RateHit | None:
    """This request's hit when its view is to send it (None: already counted, or limits off)."""
    hit = request.environ.get(PENDING_HIT)
    return hit if hit is not None and not hit.sent else None


def counted_by_view(endpoint: str):
    """Decorator of `endpoint`'s view: its limits are counted in the view's first Redis call
    (given `pending_hit()`), and in any case before the answer leaves: a request over a limit
    is answered 429, whatever the view said (as when the hook counted it)."""
    COUNTED_IN_FIRST_CALL.add(endpoint)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            finally:
                hit = request.environ.get(PENDING_HIT)
                if hit is not None:
                    hit.send()  # a no-op once sent; a 429 here replaces the view's answer

        return wrapper

    return decorator


def rate_limited(blueprint: Blueprint, *kinds: Kind) -> None:
    """Check `kinds` of limits before every request to `blueprint`'s endpoints."""
    blueprint.before_request(lambda: check(kinds))
