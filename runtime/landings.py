"""Landing a draw's flight without a Redis call of its own.

A draw's flight (runtime.flights) takes off inside draw.lua and must land once its ledger row
is committed; landing it with its own ZREM was one more Redis round trip per draw. Instead,
a committed draw leaves its flight here, and the next draw of the same campaign in this
process to make its admission call carries it (draw.lua ZREMs the flights it is handed before
anything else). Flights no draw carried within GRACE_SECONDS are landed by the process's
lander thread, all of a campaign's in one ZREM: an idle process lands each flight a few
milliseconds after its commit, a busy one almost never makes a call of its own (before the
lander, a group-committed batch of draws with no draw boarding made one ZREM per draw).

Flights land only after their commit, so reconcile stays exact; they land a few milliseconds
later than a ZREM of their own would, which reconcile's drain wait absorbs (and a reconcile's
fence flushes what waits here at once: `flush`). A process that exits normally lands what is
left (`land_all`, at exit); one that dies with flights left here leaves them in Redis until
FLIGHT_STALE_SECONDS, like a process that dies between its commit and its ZREM always did.

The registry and the lander are per process (module state): a forked child starts empty.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

GRACE_SECONDS = 0.005  # how long a committed flight waits for a draw to carry it

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
        idle = _boarding[cid] <= 0
        if idle:
            del _boarding[cid]
        orphans = idle and bool(_pending.get(cid))
    if orphans:  # the last draw on its way left without carrying them
        _lander().wake()


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
    """The draw's ledger row is committed: its flight lands with the next admission call of
    this campaign in this process, or with the lander within GRACE_SECONDS."""
    with _lock:
        _pending.setdefault(campaign_id, []).append(token)
        idle = _boarding[campaign_id] <= 0
    if idle:
        _lander().wake()


def flush(campaign_id: int) -> None:
    """Land now what waits here for a carrier (before waiting behind a reconcile's fence)."""
    with _lock:
        tokens = _pending.pop(campaign_id, [])
    if tokens:
        _land_now(campaign_id, tokens)


def land_all() -> None:
    """Land every flight waiting here (the process is leaving; at exit)."""
    with _lock:
        waiting_now = dict(_pending)
        _pending.clear()
    for campaign_id, tokens in waiting_now.items():
        _land_now(campaign_id, tokens)


def waiting(campaign_id: int) -> list[str]:
    """Flights left here for a carrier (tests and diagnostics)."""
    with _lock:
        return list(_pending.get(campaign_id, []))


def _land_uncarried() -> None:
    """Land the flights of every campaign no draw of this process is on its way to carry."""
    with _lock:
        idle = [cid for cid in _pending if _boarding[cid] <= 0]
        batches = {cid: _pending.pop(cid) for cid in idle}
    for campaign_id, tokens in batches.items():
        _land_now(campaign_id, tokens)


def _land_now(campaign_id: int, tokens: list[str]) -> None:
    from runtime import flights

    flights.land(campaign_id, *tokens)


class _Lander:
    """The process's thread landing, GRACE_SECONDS after it is woken, what no draw carried."""

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flight-lander", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(GRACE_SECONDS)
            self._wake.clear()
            try:
                _land_uncarried()
            except Exception:  # flights.land logs Redis errors; never let the thread die
                logger.exception("landing committed flights failed")


_started: _Lander | None = None
_started_lock = threading.Lock()


def _lander() -> _Lander:
    global _started
    if _started is None:
        with _started_lock:
            if _started is None:
                _started = _Lander()
                atexit.register(land_all)  # a process that exits through the interpreter
                # a multiprocessing child (granian's workers) leaves with os._exit after
                # running its finalizers, not atexit
                multiprocessing.util.Finalize(None, land_all, exitpriority=100)
                os.register_at_fork(after_in_child=_forget)
    return _started


def _forget() -> None:
    """In a forked child: the parent's flights and lander are the parent's."""
    global _lock, _started, _started_lock
    _lock, _started_lock, _started = threading.Lock(), threading.Lock(), None
    _pending.clear()
    _boarding.clear()
