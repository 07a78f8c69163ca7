"""Configuration read from the environment with typed parsing that rejects junk.

Every setting the app uses is parsed here, once, in `load_config`; a value that cannot be
parsed raises `ConfigError` with one line naming the variable, so start-up stops cleanly.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "testing")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
REDIS_SCHEMES = ("redis", "rediss", "unix")


class ConfigError(Exception):
    """A setting is missing or unparseable; the message is one line for the operator."""


def parse_boolean(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name}: expected true/false, got {raw!r}")


def parse_choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}: expected one of {', '.join(choices)}, got {raw!r}")
    return value


def parse_int(name: str, raw: str, minimum: int = 0, maximum: int | None = None) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ConfigError(f"{name}: must be between {minimum}{upper}, got {value}")
    return value


def parse_database_url(name: str, raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"{name}: unsupported or unparseable URL {raw!r} "
            f"(expected sqlite:///path or postgresql+psycopg://user:pass@host/db)"
        )
    if parts.scheme.startswith("postgresql"):
        if not parts.hostname and "host=" not in parts.query:
            raise ConfigError(f"{name}: PostgreSQL URL {raw!r} names no host")
        if not parts.path.strip("/"):
            raise ConfigError(f"{name}: PostgreSQL URL {raw!r} names no database")
        # psycopg 3 is the driver we ship; a bare postgresql:// would look for psycopg2.
        return "postgresql+psycopg://" + raw.strip().split("://", 1)[1]
    if not raw.startswith("sqlite:///") and raw.strip() != "sqlite://":
        raise ConfigError(f"{name}: SQLite URL must look like sqlite:///path, got {raw!r}")
    return raw.strip()


def parse_redis_url(name: str, raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in REDIS_SCHEMES:
        raise ConfigError(f"{name}: expected redis://host:port/db or unix:///path, got {raw!r}")
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(f"{name}: Redis URL {raw!r} names no host")
    try:
        parts.port  # noqa: B018 - raises ValueError on a junk port
    except ValueError:
        raise ConfigError(f"{name}: Redis URL {raw!r} has an invalid port") from None
    return raw.strip()


def parse_timezone(name: str, raw: str) -> str:
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}: unknown time zone {raw!r} (e.g. Asia/Shanghai)") from None
    return raw.strip()


def parse_rate_limit(name: str, raw: str) -> str:
    """A Flask-Limiter limit string such as "120/minute" or "10 per second"."""
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a rate like 120/minute, got {raw!r}") from None
    return raw.strip()


def parse_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def instance_secret_key(instance_path: Path) -> str:
    """A key generated once into instance/ so local sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse the environment into the app's config mapping; raises ConfigError."""
    env = dict(os.environ if environ is None else environ)
    studio_env = env.get("STUDIO_ENV", "development").strip().lower()
    if studio_env not in ENVIRONMENTS:
        raise ConfigError(
            f"STUDIO_ENV: expected one of {', '.join(ENVIRONMENTS)}, got {studio_env!r}"
        )
    instance_path = Path(env.get("STUDIO_INSTANCE_PATH") or REPO_ROOT / "instance").resolve()

    if env.get("DATABASE_URL"):
        database_url = parse_database_url("DATABASE_URL", env["DATABASE_URL"])
    else:
        database_url = f"sqlite:///{instance_path / 'studio.db'}"

    redis_url = parse_redis_url("REDIS_URL", env["REDIS_URL"]) if env.get("REDIS_URL") else None

    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if studio_env == "production":
            raise ConfigError("SECRET_KEY: required when STUDIO_ENV=production")
        secret_key = instance_secret_key(instance_path)
    elif studio_env == "production" and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY: must be at least 32 characters in production")

    production = studio_env == "production"
    points_cap = parse_int(
        "STAFF_POINTS_MAX_ENTRY", env.get("STAFF_POINTS_MAX_ENTRY", "50000"), 1, 10**9
    )
    points_threshold = parse_int(
        "STAFF_POINTS_APPROVAL_THRESHOLD",
        env.get("STAFF_POINTS_APPROVAL_THRESHOLD", "2000"),
        0,
        points_cap,
    )
    return {
        "STUDIO_ENV": studio_env,
        "TESTING": studio_env == "testing",
        "INSTANCE_PATH": str(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret_key,
        "STUDIO_PORT": parse_int("STUDIO_PORT", env.get("STUDIO_PORT", "5000"), 1, 65535),
        "STUDIO_WEB_SERVER": parse_choice(
            "STUDIO_WEB_SERVER", env.get("STUDIO_WEB_SERVER", "gunicorn"), ("gunicorn", "granian")
        ),
        "STUDIO_TIMEZONE": parse_timezone(
            "STUDIO_TIMEZONE", env.get("STUDIO_TIMEZONE", "Asia/Shanghai")
        ),
        "STUDIO_DEMO": parse_boolean(
            "STUDIO_DEMO",
            env.get("STUDIO_DEMO", "true" if studio_env == "development" else "false"),
        ),
        "STUDIO_WIDGETS": parse_list(env.get("STUDIO_WIDGETS", "")),
        "STUDIO_LOG_FORMAT": env.get("STUDIO_LOG_FORMAT", "text").strip().lower(),
        "IDEMPOTENCY_TTL_SECONDS": parse_int(
            "IDEMPOTENCY_TTL_SECONDS", env.get("IDEMPOTENCY_TTL_SECONDS", "86400"), 60
        ),
        "VERSION_CACHE_SECONDS": parse_int(
            "VERSION_CACHE_SECONDS", env.get("VERSION_CACHE_SECONDS", "2"), 0, 5
        ),
        "RUNTIME_RATE_LIMIT_PARTICIPANT": parse_rate_limit(
            "RUNTIME_RATE_LIMIT_PARTICIPANT",
            env.get("RUNTIME_RATE_LIMIT_PARTICIPANT", "120/minute"),
        ),
        "RUNTIME_RATE_LIMIT_IP": parse_rate_limit(
            "RUNTIME_RATE_LIMIT_IP", env.get("RUNTIME_RATE_LIMIT_IP", "1200/minute")
        ),
        "TOKEN_MAX_LIFETIME_SECONDS": parse_int(
            "TOKEN_MAX_LIFETIME_SECONDS",
            env.get("TOKEN_MAX_LIFETIME_SECONDS", str(30 * 86400)),
            60,
            366 * 86400,
        ),
        # Request bodies: the participant API's are small JSON documents; the studio takes
        # form posts, bundle JSON and coupon CSV uploads (5 MB). See core/request_limits.py.
        "API_MAX_CONTENT_LENGTH": parse_int(
            "API_MAX_CONTENT_LENGTH", env.get("API_MAX_CONTENT_LENGTH", str(64 * 1024)), 1024
        ),
        "MAX_CONTENT_LENGTH": parse_int(
            "MAX_CONTENT_LENGTH", env.get("MAX_CONTENT_LENGTH", str(8 * 1024 * 1024)), 1024
        ),
        "DRAW_GROUP_COMMIT": parse_boolean(
            "DRAW_GROUP_COMMIT", env.get("DRAW_GROUP_COMMIT", "true")
        ),
        # the participant page counts views, visitors and invitation clicks (docs/reports.md)
        "STUDIO_TRAFFIC_CAPTURE": parse_boolean(
            "STUDIO_TRAFFIC_CAPTURE", env.get("STUDIO_TRAFFIC_CAPTURE", "true")
        ),
        "BABEL_DEFAULT_LOCALE": env.get("STUDIO_LOCALE", "zh").strip() or "zh",
        # Studio security (docs/security.md).
        "STUDIO_TRUSTED_PROXIES": parse_int(
            "STUDIO_TRUSTED_PROXIES", env.get("STUDIO_TRUSTED_PROXIES", "0"), 0, 5
        ),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "STUDIO_LOGIN_LIMIT_ADDRESS": parse_rate_limit(
            "STUDIO_LOGIN_LIMIT_ADDRESS", env.get("STUDIO_LOGIN_LIMIT_ADDRESS", "10/minute")
        ),
        "STUDIO_LOGIN_LIMIT_ACCOUNT": parse_rate_limit(
            "STUDIO_LOGIN_LIMIT_ACCOUNT", env.get("STUDIO_LOGIN_LIMIT_ACCOUNT", "20/hour")
        ),
        "STUDIO_LOGIN_LIMIT_DEVICE": parse_rate_limit(
            "STUDIO_LOGIN_LIMIT_DEVICE", env.get("STUDIO_LOGIN_LIMIT_DEVICE", "10/hour")
        ),
        "STAFF_POINTS_MAX_ENTRY": points_cap,
        "STAFF_POINTS_APPROVAL_THRESHOLD": points_threshold,
    }
