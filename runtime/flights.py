"""Reconcile while draws run: hot-state writes register as in flight; reconcile raises a fence
that new writes wait behind, and reads the ledger only once every flight has landed.

A participant write changes a campaign's state in two places: Redis (draw.lua takes a chance
and a unit of stock before the ledger row exists; grants and counters follow a commit) and
the SQL ledger. Until both are done they disagree, and a reconcile that read the ledger in
that moment gave back stock an uncommitted draw had taken (Redis stock 3 while the ledger said
250 of 250 issued) or dropped a chance a commit had just granted.

So each such write is a *flight*: it takes off in Redis atomically with a check of the
campaign's *fence* (draw.lua does both in its one call; other writers enter `flight()`), and
lands (ZREM) once the ledger and Redis agree again: after the commit and its Redis effects, or
after the undo. Reconcile (`fenced`) raises the fence, waits until no flight is in the air,
reads the ledger, rewrites Redis and lowers the fence. A write that meets the fence waits for
it (FENCE_WAIT_SECONDS), then answers 503 `unavailable` with Retry-After.

A flight older than FLIGHT_STALE_SECONDS is dead (its process died between Redis and the
ledger, or before landing): reconcile drops it, and the ledger decides. The fence expires by
itself after FENCE_TTL_SECONDS if the reconcile holding it dies.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import redis

from core.errors import ApiProblem
from runtime import hotstate, landings

logger = logging.getLogger(__name__)

FENCE_WAIT_SECONDS = 5.0  # a write waits this long behind a reconcile, then answers 503
FENCE_TTL_SECONDS = 30  # a reconcile that dies holding the fence frees the campaign by then
DRAIN_SECONDS = 3.0  # reconcile waits this long for flights to land, then skips the campaign
FLIGHT_STALE_SECONDS = 60  # a flight this old belongs to a process that died
_POLL_SECONDS = (0.002, 0.005, 0.01, 0.02, 0.05)

_open: ContextVar[frozenset[int]] = ContextVar("studio_open_flights", default=frozenset())


def new_token() -> str:
    return secrets.token_hex(8)


def fence_waits(seconds: float | None = None) -> Iterator[int]:
    """Attempts 0, 1, 2... with short growing sleeps between them, for `seconds` in all
    (FENCE_WAIT_SECONDS by default)."""
    deadline = time.monotonic() + (FENCE_WAIT_SECONDS if seconds is None else seconds)
    attempt = 0
    while True:
        yield attempt
        if time.monotonic() >= deadline:
            return
        time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])
        attempt += 1


def busy() -> ApiProblem:
    return ApiProblem(
        503,
        "unavailable",
        "This campaign is being reconciled; please try again in a moment.",
        retry_after=1,
    )


def land(campaign_id: int, *tokens: str) -> None:
    """The writes are done on both sides. A failure here only leaves flights that reconcile
    will treat as dead after FLIGHT_STALE_SECONDS, so it never fails the request. (A draw's
    flight usually lands with another draw's admission call instead: runtime.landings.)"""
    try:
        hotstate.client().zrem(hotstate.flights_key(campaign_id), *tokens)
    except redis.RedisError as exc:
        logger.warning("campaign %s: flights %s not landed (%s)", campaign_id, tokens, exc)


def _take_off(campaign_id: int, token: str) -> None:
    script = hotstate.Scripts.get("flight_begin")
    keys = [hotstate.fence_key(campaign_id), hotstate.flights_key(campaign_id)]
    for attempt in fence_waits():
        if script(keys=keys, args=[token]):
            return
        if attempt == 0:  # reconcile waits for flights: land those left for a carrier now
            landings.flush(campaign_id)
    raise busy()


@contextmanager
def flight(*campaign_ids: int, best_effort: bool = False) -> Iterator[None]:
    """Run a write of these campaigns' hot state (its SQL commit and its Redis effects) as a
    flight. Re-entrant: a flight already open in this context is not registered twice.
    `best_effort`: with Redis away, write anyway (unregistered) instead of raising."""
    held = _open.get()
    new = [cid for cid in dict.fromkeys(campaign_ids) if cid not in held]
    token = new_token()
    started: list[int] = []
    reset = _open.set(held | frozenset(new))
    try:
        for cid in new:
            try:
                _take_off(cid, token)
            except redis.RedisError:
                if not best_effort:
                    raise
                logger.warning("campaign %s: Redis away; writing without a flight", cid)
                continue
            started.append(cid)
        yield
    finally:
        _open.reset(reset)
        for cid in started:
            land(cid, token)


def in_flight(campaign_id: int) -> int:
    """Flights of the campaign in the air now (dead ones dropped first)."""
    return int(
        hotstate.Scripts.get("flight_drain")(
            keys=[hotstate.flights_key(campaign_id)], args=[FLIGHT_STALE_SECONDS * 1000]
        )
    )


@contextmanager
def fenced(campaign_id: int, drain_seconds: float | None = None) -> Iterator[str | None]:
    """Hold the campaign's fence; yields its token once no flight is in the air, or None if
    another reconcile holds the fence or flights did not land within `drain_seconds`
    (DRAIN_SECONDS by default)."""
    conn = hotstate.client()
    key = hotstate.fence_key(campaign_id)
    token = new_token()
    if not conn.set(key, token, nx=True, ex=FENCE_TTL_SECONDS):
        yield None
        return
    try:
        drained = False
        for _ in fence_waits(DRAIN_SECONDS if drain_seconds is None else drain_seconds):
            if in_flight(campaign_id) == 0:
                drained = True
                break
        yield token if drained else None
    finally:
        hotstate.Scripts.get("idem_release")(keys=[key], args=[token])  # only if still ours
