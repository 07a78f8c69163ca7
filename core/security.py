"""Password hashing for staff and secret derivation for channels."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_channel_key() -> str:
    return "ch_" + secrets.token_hex(8)


def new_nonce() -> str:
    return secrets.token_hex(16)


def channel_secret(secret_key: str, channel_key: str, nonce: str) -> str:
    """The channel's HS256 signing secret, derived so the database alone never reveals it."""
    message = f"channel-secret/1:{channel_key}:{nonce}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
