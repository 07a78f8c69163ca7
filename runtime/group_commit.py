"""Group commit: the draws one web process has ready at the same moment share one transaction.

SQLite has one writer at a time, so the draw's commit is the serial part of the draw path.
A request that finds no commit running becomes the leader: it takes the write gate, writes
every draw queued by then (up to MAX_BATCH, its own first) in one transaction
(runtime.draw_ledger.write_draws) and wakes their requests with their own ids or their own
error; draws queued meanwhile are handed to the next leader (the first of them). Every request
still answers only after the transaction holding its draw and its reward has committed, and a
failed draw fails only its own request (write_draws retries a failed batch row by row).

Nothing here is shared across processes (the write gate is): it only batches what one process
already has in hand, so it never holds a draw back waiting for company. The writer and the
gate are parameters (defaults: the draw ledger's), so bench/floor_app.py batches its own
rows the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from runtime.draw_ledger import DrawRow, Written, write_draws
from runtime.write_gate import write_gate

MAX_BATCH = 64


class _Latch:
    """Set once, waited for by one thread: a held lock (cheaper than threading.Event, which
    builds a Condition and a waiter lock per wait)."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()

    def set(self) -> None:
        self._lock.release()

    def wait(self) -> None:
        self._lock.acquire()


@dataclass(eq=False)
class _Pending:
    row: Any
    done: _Latch = field(default_factory=_Latch)
    result: Any = None


Writer = Callable[[list[Any]], Sequence[Any]]  # rows -> one result or exception per row


class GroupCommit:
    def __init__(
        self,
        write: Writer | None = None,
        gate: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._busy = False
        self._write = write  # None: runtime.draw_ledger.write_draws
        self._gate = gate  # None: runtime.write_gate.write_gate

    def submit(self, row: DrawRow) -> Written:
        """Commit `row` (alone or with others); returns its ids or raises its error."""
        me = _Pending(row)
        with self._lock:
            self._queue.append(me)
            lead, self._busy = not self._busy, True
        if not lead:
            me.done.wait()
        if me.result is None:  # leader from the start, or handed the lead
            self._lead()
        if isinstance(me.result, BaseException):
            raise me.result
        assert me.result is not None
        return me.result

    def _lead(self) -> None:
        with self._lock:
            batch = self._queue[:MAX_BATCH]
            del self._queue[:MAX_BATCH]
        aborted = RuntimeError("the group commit was interrupted")
        results: list[Written | BaseException] = [aborted] * len(batch)
        write, gate = self._write or write_draws, self._gate or write_gate
        try:
            with gate():
                results = list(write([p.row for p in batch]))
        except Exception as exc:  # the gate itself failed: nobody's draw was written
            results = [exc] * len(batch)
        finally:  # also when the worker is being stopped: nobody waits forever
            for pending, result in zip(batch, results, strict=True):
                pending.result = result
            self._hand_over(batch)

    def _hand_over(self, batch: list[_Pending]) -> None:
        with self._lock:
            successor = self._queue[0] if self._queue else None
            if successor is None:
                self._busy = False
        for pending in batch:
            pending.done.set()
        if successor is not None:
            successor.done.set()  # its result is still None: it leads the next batch
