"""Sign-in budgets that slow password guessing without letting a stranger lock anyone out.

Three counters, all in Redis (shared by every process), all fixed windows:

- per client address: every sign-in POST (`STUDIO_LOGIN_LIMIT_ADDRESS`, Flask-Limiter on the
  view; the address is the real client's when `STUDIO_TRUSTED_PROXIES` is set);
- per account from unknown clients: attempts at one username from clients that never signed
  in to it share one budget (`STUDIO_LOGIN_LIMIT_ACCOUNT`), which stops guessing spread over
  many addresses;
- per account and known device: a client that signed in to the account before holds a signed
  device cookie naming it, and spends its own budget (`STUDIO_LOGIN_LIMIT_DEVICE`) instead of
  the shared one, so a stranger who spends the shared budget does not lock the owner out of
  the browsers they already use (OWASP's "device cookies").

Attempts are counted before the password is checked (atomic under concurrency), and unknown
usernames are counted like real ones, so a refusal says nothing about which accounts exist.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse_many

from core.extensions import limiter

DEVICE_COOKIE = "studio_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
MAX_DEVICES = 8  # accounts remembered per browser (a shared counter PC at a branch)


def account_key(username: str) -> str:
    return hashlib.sha256(username.casefold().encode()).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="studio-device/1")


def known_devices() -> dict[str, str]:
    """account key -> this browser's device id, from the signed device cookie."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        devices = _serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return {}
    return devices if isinstance(devices, dict) else {}


def remember_device(response: Response, username: str) -> None:
    """After a successful sign-in: this browser is a known device of the account."""
    devices = known_devices()
    account = account_key(username)
    device = devices.pop(account, None) or secrets.token_urlsafe(12)
    devices = dict(list(devices.items())[-(MAX_DEVICES - 1) :])
    devices[account] = device
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(devices),
        max_age=DEVICE_MAX_AGE,
        path="/studio",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )


@dataclass(frozen=True)
class SignInBudget:
    """The budget one sign-in attempt at `account` spends: the device's, or the shared one."""

    account: str
    device: str | None

    @classmethod
    def for_username(cls, username: str) -> SignInBudget:
        account = account_key(username)
        return cls(account, known_devices().get(account))

    def _counters(self) -> tuple[list[RateLimitItem], tuple[str, ...]]:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "cs-limits")
        if self.device is not None:
            limits = current_app.config["STUDIO_LOGIN_LIMIT_DEVICE"]
            identifiers = (prefix, "login-device", self.account, self.device)
        else:
            limits = current_app.config["STUDIO_LOGIN_LIMIT_ACCOUNT"]
            identifiers = (prefix, "login-account", self.account)
        return parse_many(limits), identifiers

    def spend(self) -> int | None:
        """Count one attempt; None if allowed, else the seconds until the budget refills."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return None
        items, identifiers = self._counters()
        spent = [item for item in items if not limiter.limiter.hit(item, *identifiers)]
        if not spent:
            return None
        reset = max(limiter.limiter.get_window_stats(i, *identifiers).reset_time for i in spent)
        return max(1, int(reset - time.time()) + 1)
