"""The application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import REPO_ROOT, load_config
from core.db import install_sqlite_behaviour, sqlite_engine_options
from core.errors import init_errors
from core.extensions import babel, db, limiter, limiter_storage_uri, migrate, redis_store
from core.json_provider import StrictJSONProvider
from core.logging import configure_logging, init_request_ids
from core.request_limits import init_request_limits
from core.sessions import StudioSessionInterface

logger = logging.getLogger(__name__)

LOCALES = ("zh", "en")


def select_locale() -> str | None:
    """zh or en from the session or the browser; Flask-Admin's Chinese catalogue is zh_Hans_CN."""
    from flask import has_request_context, session

    if not has_request_context():
        return None  # labels built at start-up: the default locale
    chosen = session.get("locale") if session else None
    if chosen not in LOCALES:
        chosen = request.accept_languages.best_match(LOCALES) or "zh"
    return "zh_Hans_CN" if chosen == "zh" else chosen


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config from the environment, then `config` overrides (tests)."""
    settings = load_config()
    if config:
        settings.update(config)
    configure_logging(settings.get("STUDIO_LOG_FORMAT", "text"))

    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=False)
    app.json = StrictJSONProvider(app)
    app.config.update(settings)
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", sqlite_engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    app.config.setdefault("JSON_SORT_KEYS", False)
    app.session_interface = StudioSessionInterface()
    trust_proxies(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        install_sqlite_behaviour(db.engine)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), compare_type=True)
    redis_store.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", limiter_storage_uri(app.config["REDIS_URL"]))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "cs-limits")
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_request_ids(app)
    init_request_limits(app)
    init_errors(app)

    from core.health import bp as health_bp

    app.register_blueprint(health_bp)
    register_packages(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind `STUDIO_TRUSTED_PROXIES` reverse proxies, take the client address and scheme
    from the X-Forwarded-For/-Proto entries those proxies appended, so rate limits, the audit
    log and Secure cookies see the real client; with 0 (the default) the headers are ignored,
    since anyone can send them."""
    hops = app.config.get("STUDIO_TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_packages(app: Flask) -> None:
    """The composition root: runtime and studio hang off the app here and nowhere else."""
    import builder
    import runtime

    runtime.init_app(app)
    builder.init_app(app)
