"""Participant tokens: HS256 JWTs signed with the channel's secret (see CONTRACTS.md).

A token lives at most `TOKEN_MAX_LIFETIME_SECONDS` (config, default 30 days): minting refuses a
longer `ttl` and the runtime refuses a token whose `exp` lies further ahead (runtime/auth.py).
"""

from __future__ import annotations

import math
import time
from typing import Any

import jwt
from flask import current_app

from core.accounts import secret_for
from core.models import Channel

ALGORITHM = "HS256"


def max_lifetime() -> int:
    """The longest lifetime, in seconds, a participant token may have (config)."""
    return current_app.config["TOKEN_MAX_LIFETIME_SECONDS"]


def storable_json(value: Any, max_depth: int) -> bool:
    """True when `value` holds no NaN or infinity (Python's json reads `Infinity` in a token's
    attributes as a float), no text with NUL or a lone surrogate (PostgreSQL cannot store
    either), and nests at most `max_depth` deep."""
    from rules.json_text import UNSTORABLE

    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, str) and UNSTORABLE.search(item):
            return False
        if isinstance(item, dict) and any(UNSTORABLE.search(str(key)) for key in item):
            return False
        if isinstance(item, dict | list):
            if level > max_depth:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return True


def mint_token(
    channel: Channel, participant_id: str, attrs: dict[str, Any] | None = None, ttl: int = 3600
) -> str:
    from rules.limits import MAX_JSON_DEPTH

    if not participant_id or len(participant_id) > 128:
        raise ValueError("participant: 1-128 characters")
    longest = max_lifetime()
    if not 1 <= ttl <= longest:
        raise ValueError(f"ttl: between 1 and {longest} seconds")
    if not storable_json([participant_id, attrs], MAX_JSON_DEPTH):
        raise ValueError(
            "attrs: numbers must be finite (no NaN or Infinity), text free of NUL characters"
        )
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": channel.key,
        "sub": participant_id,
        "iat": now,
        "exp": now + ttl,
    }
    if attrs:
        claims["attrs"] = attrs
    return jwt.encode(claims, secret_for(channel), algorithm=ALGORITHM)
