"""Issuance settings: app config first (tests), then the environment, parsed strictly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from flask import current_app, has_app_context

from core.config import ConfigError, parse_int, parse_list
from rules.rewards import REWARD_KIND_KEYS

ALL_KINDS = REWARD_KIND_KEYS  # one issuer per reward kind (rules.rewards)


def _raw(name: str, default: str) -> str:
    if has_app_context() and name in current_app.config:
        return str(current_app.config[name])
    return os.environ.get(name, default)


@dataclass(frozen=True)
class IssuanceSettings:
    batch_size: int = 200
    external_batch_size: int = 32
    lease_seconds: int = 60
    poll_seconds: float = 0.3
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 3600.0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout_seconds: float = 5.0
    webhook_threads: int = 8
    enabled: tuple[str, ...] = field(default=ALL_KINDS)


def load_settings() -> IssuanceSettings:
    """Read ISSUANCE_* settings; raises ConfigError naming the bad variable."""
    enabled = tuple(parse_list(_raw("ISSUANCE_ISSUERS", ",".join(ALL_KINDS))))
    unknown = [kind for kind in enabled if kind not in ALL_KINDS]
    if unknown:
        raise ConfigError(f"ISSUANCE_ISSUERS: unknown issuer type(s) {', '.join(unknown)}")
    poll_ms = parse_int("ISSUANCE_POLL_MS", _raw("ISSUANCE_POLL_MS", "300"), 10, 10_000)
    backoff_ms = parse_int("ISSUANCE_BACKOFF_MS", _raw("ISSUANCE_BACKOFF_MS", "2000"), 1)
    timeout_ms = parse_int(
        "ISSUANCE_WEBHOOK_TIMEOUT_MS", _raw("ISSUANCE_WEBHOOK_TIMEOUT_MS", "5000"), 50
    )
    return IssuanceSettings(
        batch_size=parse_int("ISSUANCE_BATCH_SIZE", _raw("ISSUANCE_BATCH_SIZE", "200"), 1, 5000),
        external_batch_size=parse_int(
            "ISSUANCE_EXTERNAL_BATCH_SIZE", _raw("ISSUANCE_EXTERNAL_BATCH_SIZE", "32"), 1, 1000
        ),
        lease_seconds=parse_int("ISSUANCE_LEASE_SECONDS", _raw("ISSUANCE_LEASE_SECONDS", "60"), 1),
        poll_seconds=poll_ms / 1000,
        backoff_base_seconds=backoff_ms / 1000,
        webhook_url=_raw("ISSUANCE_WEBHOOK_URL", "").strip() or None,
        webhook_secret=_raw("ISSUANCE_WEBHOOK_SECRET", "").strip() or None,
        webhook_timeout_seconds=timeout_ms / 1000,
        webhook_threads=parse_int(
            "ISSUANCE_WEBHOOK_THREADS", _raw("ISSUANCE_WEBHOOK_THREADS", "8"), 1, 64
        ),
        enabled=enabled,
    )
