"""Reads that never disturb a write in progress."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from core.db import read_only
from core.extensions import db


@contextmanager
def reading() -> Iterator[Session]:
    """core.db.read_only when no transaction is open; inside one, just use it (no rollback)."""
    session = db.session()
    if session.in_transaction():
        yield session
        return
    with read_only(session):
        yield session
