"""Staff users and channels: creation with validation, shared by the CLI, demo and studio."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import Branch, Channel, User
from core.roles import ROLE_KEYS
from core.security import channel_secret, hash_password, new_channel_key, new_nonce, secret_digest

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """Bad input for a user or channel; the message names the field, `code` the problem
    (for the studio's wording)."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def create_user(
    username: str,
    role: str,
    branch_code: str | None,
    password: str,
    display_name: str | None = None,
) -> User:
    if not USERNAME_PATTERN.match(username):
        raise AccountError("username: 3-64 letters, digits, '.', '_' or '-'")
    if role not in ROLE_KEYS:
        raise AccountError(f"role: must be one of {', '.join(ROLE_KEYS)}, got {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"username: {username!r} already exists")
    branch = find_branch(branch_code)
    user = User(
        username=username,
        role=role,
        branch_id=branch.id,
        password_hash=hash_password(password),
        display_name=display_name or username,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        "user",
        user.id,
        after={"username": username, "role": role, "branch": branch.code},
    )
    return user


def find_branch(code: str | None) -> Branch:
    """The branch with this code, or the head office when no code is given."""
    if code:
        branch = db.session.scalar(select(Branch).where(Branch.code == code))
        if branch is None:
            raise AccountError(f"branch: no branch with code {code!r}")
        return branch
    branch = db.session.scalar(select(Branch).where(Branch.level == "hq").order_by(Branch.id))
    if branch is None:
        raise AccountError(
            "branch: no head office exists yet; run `studio branch create CODE --name NAME "
            "--hq` (or `studio demo`)"
        )
    return branch


@dataclass(frozen=True)
class ChannelCredentials:
    channel: Channel
    secret: str


def create_channel(name: str, actor: User | None = None) -> ChannelCredentials:
    name = name.strip()
    if not 2 <= len(name) <= 64:
        raise AccountError("name: 2-64 characters", "name_length")
    if db.session.scalar(select(Channel).where(Channel.name == name)):
        raise AccountError(f"name: channel {name!r} already exists", "name_taken")
    key, nonce = new_channel_key(), new_nonce()
    secret = channel_secret(current_app.config["SECRET_KEY"], key, nonce)
    channel = Channel(name=name, key=key, secret_nonce=nonce, secret_hash=secret_digest(secret))
    db.session.add(channel)
    db.session.flush()
    audit.record(
        "channel.create", "channel", channel.id, actor=actor, after={"name": name, "key": key}
    )
    return ChannelCredentials(channel, secret)


def rotate_channel_secret(channel: Channel, actor: User | None = None) -> ChannelCredentials:
    """Give the channel a new secret (a new nonce; the key stays) and return it, to be shown
    once. Tokens and event signatures made with the old secret stop verifying as soon as
    each web worker reloads the channel (runtime.auth.CHANNEL_CACHE_SECONDS at most)."""
    nonce = new_nonce()
    secret = channel_secret(current_app.config["SECRET_KEY"], channel.key, nonce)
    channel.secret_nonce, channel.secret_hash = nonce, secret_digest(secret)
    audit.record(
        "channel.rotate_secret",
        "channel",
        channel.id,
        actor=actor,
        actor_label=None if actor else "cli",
        after={"name": channel.name, "key": channel.key},
    )
    return ChannelCredentials(channel, secret)


def secret_for(channel: Channel) -> str:
    """Re-derive a channel's signing secret; refuses if SECRET_KEY changed since creation."""
    secret = channel_secret(current_app.config["SECRET_KEY"], channel.key, channel.secret_nonce)
    if secret_digest(secret) != channel.secret_hash:
        raise AccountError(
            f"channel {channel.name!r}: SECRET_KEY changed since the channel was created; "
            "rotate the channel secret"
        )
    return secret
