"""Extensions, created unbound here and initialised in `create_app`; nothing connects on import."""

from __future__ import annotations

import atexit
import logging
from pathlib import Path

import redis
from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from rq import Queue

from core.models.base import Base
from core.redis_server import EmbeddedRedis, RedisUnavailable, check_server

logger = logging.getLogger(__name__)

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
# X-RateLimit-* headers on every answer would cost two more Redis reads per limit per request;
# a refusal carries Retry-After instead (core.errors.retry_after_seconds). auto_check off: the
# limiter's per-request hook runs only where it has limits to check (the studio's sign-in,
# builder.auth); the API counts its own limits (runtime.api.limits) and pays nothing for it.
limiter = Limiter(
    key_func=get_remote_address, default_limits=[], headers_enabled=False, auto_check=False
)


QUEUE_NAMES = ("issuance", "default")
HEALTH_CHECK_SECONDS = 5  # a pooled connection idle this long is PINGed before use
SOCKET_TIMEOUT_SECONDS = 15  # above the longest BLPOP (ISSUANCE_POLL_MS <= 10 s)
CONNECT_TIMEOUT_SECONDS = 2


def client_options() -> dict:
    """redis-py settings for reconnecting after Redis restarts: a command that meets a dead
    pooled connection (Redis was killed and came back) is retried on a fresh one, briefly; if
    Redis is still away, the ConnectionError reaches the app, which answers 503 (core.errors).
    The retries stay well under a Redis restart, so a command that died with the old server
    is not replayed against the new one."""
    return {
        "health_check_interval": HEALTH_CHECK_SECONDS,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "retry": Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        "retry_on_error": [redis.ConnectionError],
    }


class RedisStore:
    """Holds the app's Redis clients: `client` (str responses) and `raw` (bytes, for RQ)."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.client: redis.Redis | None = None
        self.raw: redis.Redis | None = None
        self.embedded: EmbeddedRedis | None = None

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        if url is None:
            url = self.start_embedded(Path(app.config["INSTANCE_PATH"]) / "redis")
            app.config["REDIS_URL"] = url
            app.config["REDIS_EMBEDDED"] = True
        self.url = url
        self.client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=SOCKET_TIMEOUT_SECONDS, **client_options()
        )
        self.raw = redis.Redis.from_url(url, **client_options())
        if app.config.get("REDIS_CHECK_ON_START", True) and not app.config.get("REDIS_EMBEDDED"):
            for warning in check_server(self.client):
                logger.warning("REDIS RISK: %s", warning)
        app.extensions["redis_store"] = self

    def start_embedded(self, directory: Path) -> str:
        embedded = EmbeddedRedis(directory)
        if embedded.is_running():
            return embedded.url
        url = embedded.start()
        self.embedded = embedded
        atexit.register(embedded.stop)
        return url

    def queue(self, name: str = "default") -> Queue:
        if self.raw is None:
            raise RedisUnavailable("Redis is not initialised; call create_app first")
        return Queue(name, connection=self.raw)


redis_store = RedisStore()


def limiter_storage_uri(redis_url: str) -> str:
    """Translate a redis-py URL into the `limits` library's storage URI."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url
