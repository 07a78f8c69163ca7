"""Database engine behaviour: SQLite pragmas and BEGIN IMMEDIATE for writes.

SQLite in WAL mode lets readers run beside one writer. A deferred transaction that reads and
then writes can fail at once with SQLITE_BUSY when it tries to upgrade its lock, so every
transaction that may write starts with BEGIN IMMEDIATE and waits (busy_timeout) instead.
Safe-method web requests (GET/HEAD/OPTIONS) start deferred so they never hold the write lock.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import Engine, event

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
BUSY_TIMEOUT_MS = 30_000


def sqlite_engine_options(uri: str) -> dict:
    if not uri.startswith("sqlite"):
        return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    return {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}


def install_sqlite_behaviour(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Hand transaction control to the "begin" listener below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin")
        if mode is None:
            safe = has_request_context() and request.method in SAFE_METHODS
            mode = "DEFERRED" if safe else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def read_only(session):
    """Run reads outside a request without taking SQLite's write lock."""
    session.connection(execution_options={"sqlite_begin": "DEFERRED"})
    try:
        yield session
    finally:
        session.rollback()
