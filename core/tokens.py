"""Participant tokens: HS256 JWTs signed with the channel's secret (see CONTRACTS.md)."""

from __future__ import annotations

import time
from typing import Any

import jwt

from core.accounts import secret_for
from core.models import Channel

ALGORITHM = "HS256"
MAX_TTL_SECONDS = 30 * 24 * 3600


def mint_token(
    channel: Channel, participant_id: str, attrs: dict[str, Any] | None = None, ttl: int = 3600
) -> str:
    if not participant_id or len(participant_id) > 128:
        raise ValueError("participant: 1-128 characters")
    if not 1 <= ttl <= MAX_TTL_SECONDS:
        raise ValueError(f"ttl: between 1 and {MAX_TTL_SECONDS} seconds")
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
