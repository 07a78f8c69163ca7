"""Issuance loop processes started lean: `python -m runtime.issuance loop [--burst] [--kind K]`.

The loop needs configuration, the database and Redis, not the participant API or the studio,
so its process builds an app with just those (the same config, engine options and SQLite
behaviour as `core.create_app`) and never imports the web packages. A (re)started or
SIGKILLed-and-restarted loop is back to issuing in about a second instead of three.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from typing import Any

import click
from flask import Flask

logger = logging.getLogger(__name__)


def create_loop_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Config from the environment (then `config`), the database and Redis; nothing else."""
    from core.config import load_config
    from core.db import install_sqlite_behaviour, sqlite_engine_options
    from core.extensions import db, redis_store
    from core.logging import configure_logging

    settings = load_config()
    if config:
        settings.update(config)
    configure_logging(settings.get("STUDIO_LOG_FORMAT", "text"))
    app = Flask("runtime.issuance", instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", sqlite_engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    db.init_app(app)
    with app.app_context():
        install_sqlite_behaviour(db.engine)
    redis_store.init_app(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Console entry point; configuration and connection problems are one line, exit 2."""
    parser = argparse.ArgumentParser(prog="python -m runtime.issuance")
    commands = parser.add_subparsers(dest="command", required=True)
    loop = commands.add_parser("loop", help="run one outbox issuance loop")
    loop.add_argument("--burst", action="store_true", help="exit when nothing is due")
    loop.add_argument("--kind", dest="kinds", action="append", help="only these reward kinds")
    args = parser.parse_args(argv)

    from sqlalchemy.exc import OperationalError

    from core.config import ConfigError
    from core.redis_server import RedisUnavailable
    from runtime.issuance.loop import run_issuance_process

    try:
        app = create_loop_app()
        run_issuance_process(app, burst=args.burst, kinds=args.kinds)
    except (ConfigError, RedisUnavailable, KeyError) as exc:
        click.echo(f"issuance loop: {exc}", err=True)
        return 2
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        click.echo(f"issuance loop: DATABASE_URL: cannot use the database ({reason})", err=True)
        return 2
    return 0
