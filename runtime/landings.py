"""Landing a draw's flight without a Redis call of its own.

A draw's flight (runtime.flights) takes off inside draw.lua and must land once its ledger row
is committed; landing it with its own ZREM was one more Redis round trip per draw. Instead,
a committed draw leaves its flight here when another draw of the same campaign in this process
is on its way to its admission: that draw's draw.lua call lands it (ZREM inside the script,
before anything else). With no such draw (an idle process, a test), the flight lands at once
with its own call, as before. The last draw to leave the pre-admission phase without an
admission call (refused by a rule, an error) lands whatever was left for it, so a committed
flight never waits for a draw that will not come.

Flights land only after their commit, so reconcile stays exact; they may land a few
milliseconds later than they used to, which reconcile's drain wait absorbs. A process that
dies with flights left here leaves them in Redis until FLIGHT_STALE_SECONDS, like a process
that dies between its commit and its ZREM always did.

The registry is per process (module state): a forked worker starts with an empty one.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_lock = threading.Lock()
_pending: dict[int, list[str]] = {}  # campaign -> committed flights waiting for a carrier
_boarding: Counter[int] = Counter()  # campaign -> draws not yet past their admission call


@dataclass
class Boarding:
    """One draw between its start and its admission call (see `boarding`)."""

    campaign_id: int
    done: bool = False
    carried: list[str] = field(default_factory=list)

    def take(self) -> list[str]:
        """Committed flights this draw's admission call lands (draw.lua ZREMs them)."""
        with _lock:
            self.carried = _pending.pop(self.campaign_id, [])
        return self.carried

    def admitted(self, delivered: bool = True) -> None:
        """The admission call was made; `delivered` False when it failed (Redis away): the
        flights it carried are handed back."""
        _leave(self, [] if delivered else self.carried)


def _leave(boarding: Boarding, handed_back: list[str]) -> None:
    if boarding.done:
        return
    boarding.done = True
    cid = boarding.campaign_id
    with _lock:
        if handed_back:
            _pending.setdefault(cid, []).extend(handed_back)
        _boarding[cid] -= 1
        orphans = _pending.pop(cid, []) if _boarding[cid] <= 0 else []
        if _boarding[cid] <= 0:
            del _boarding[cid]
    if orphans:
        _land_now(cid, orphans)


@contextmanager
def boarding(campaign_id: int) -> Iterator[Boarding]:
    """A draw on its way to its admission call; leaves when the call is made or, at the
    latest, when the block ends."""
    with _lock:
        _boarding[campaign_id] += 1
    ticket = Boarding(campaign_id)
    try:
        yield ticket
    finally:
        _leave(ticket, [])


def committed(campaign_id: int, token: str) -> None:
    """The draw's ledger row is committed: land its flight with the next admission call of
    this campaign in this process, or now if no draw is on its way to one."""
    with _lock:
        if _boarding[campaign_id] > 0:
            _pending.setdefault(campaign_id, []).append(token)
            return
    _land_now(campaign_id, [token])


def flush(campaign_id: int) -> None:
    """Land now what waits here for a carrier (before waiting behind a reconcile's fence)."""
    with _lock:
        tokens = _pending.pop(campaign_id, [])
    if tokens:
        _land_now(campaign_id, tokens)


def waiting(campaign_id: int) -> list[str]:
    """Flights left here for a carrier (tests and diagnostics)."""
    with _lock:
        return list(_pending.get(campaign_id, []))


def _land_now(campaign_id: int, tokens: list[str]) -> None:
    from runtime import flights

    flights.land(campaign_id, *tokens)
