"""Liveness (`/healthz`) and readiness (`/readyz`: database, Redis, migrations at head; and,
under `studio up` / `studio worker`, the supervised processes).

A child process that crash-loops is reported in `checks.processes` but does not make the web
tier unready: the web serves whatever the workers' state."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.extensions import db, redis_store

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def migration_state() -> tuple[bool, str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    migrate_ext = current_app.extensions["migrate"]
    config = migrate_ext.migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads, ",".join(sorted(current)) or "none"


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks: dict[str, str] = {}
    ok = True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means not ready
        logger.warning("readiness: database unreachable: %s", exc)
        checks["database"] = "unreachable"
        ok = False
    finally:
        db.session.rollback()
    try:
        redis_store.client.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        logger.warning("readiness: redis unreachable: %s", exc)
        checks["redis"] = "unreachable"
        ok = False
    if checks["database"] == "ok":
        try:
            at_head, current = migration_state()
            checks["migrations"] = "ok" if at_head else f"not at head (at {current})"
            ok = ok and at_head
        except Exception as exc:
            logger.warning("readiness: migration check failed: %s", exc)
            checks["migrations"] = "unknown"
            ok = False
    processes = process_check()
    if processes is not None:
        checks["processes"] = processes
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503


def process_check() -> str | None:
    """ "ok", or the supervised children that are not running (and why); None when no
    supervisor reports (the app runs under something else)."""
    from core.processes import read_statuses

    states = read_statuses(current_app.instance_path)
    if not states:
        return None
    down = [f"{name} {state}" for name, state in states.items() if state != "running"]
    return "; ".join(down) if down else "ok"
