"""One SQLite writer at a time without busy-wait polling.

SQLite's busy handler sleeps in growing steps while another connection holds the write lock,
which gives multi-second tail latencies under concurrent writes. On SQLite the hot write paths
take this gate first: a thread lock inside the process plus an flock on a file beside the
database across processes, both woken by the kernel as soon as the holder leaves. PostgreSQL
needs no gate (row locks), so there it is a no-op.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from core.extensions import db

_thread_lock = threading.Lock()
_files: dict[str, int] = {}


def _lock_fd(path: str) -> int:
    fd = _files.get(path)
    if fd is None:
        fd = os.open(path + ".writelock", os.O_RDWR | os.O_CREAT, 0o600)
        _files[path] = fd
    return fd


@contextmanager
def write_gate() -> Iterator[None]:
    engine = db.engine
    if engine.dialect.name != "sqlite" or not engine.url.database:
        yield
        return
    with _thread_lock:
        fd = _lock_fd(engine.url.database)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
