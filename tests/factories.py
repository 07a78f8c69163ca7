"""make_* helpers for tests: each builds and commits one object with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from core.accounts import create_channel, create_user
from core.extensions import db
from core.models import Branch, Channel, User
from core.tokens import mint_token

_counter = itertools.count(1)


def make_branch(
    code: str | None = None, level: str = "branch", parent: Branch | None = None, **fields
) -> Branch:
    number = next(_counter)
    branch = Branch(
        code=code or f"BR{number:04d}",
        name=fields.pop("name", f"Branch {number}"),
        level=level,
        parent_id=parent.id if parent else None,
        **fields,
    )
    db.session.add(branch)
    db.session.commit()
    return branch


def make_hq() -> Branch:
    existing = db.session.query(Branch).filter_by(code="HQ").one_or_none()
    return existing or make_branch(
        "HQ", level="hq", name="总行", city="上海", latitude=31.23, longitude=121.47
    )


def make_user(
    role: str = "marketer", branch: Branch | None = None, password: str = "password-123", **kw
) -> User:
    branch = branch or make_hq()
    user = create_user(kw.pop("username", f"user{next(_counter)}"), role, branch.code, password)
    db.session.commit()
    return user


def make_channel(name: str | None = None) -> tuple[Channel, str]:
    credentials = create_channel(name or f"channel-{next(_counter)}")
    db.session.commit()
    return credentials.channel, credentials.secret


def make_token(
    channel: Channel,
    participant: str = "customer-1",
    attrs: dict[str, Any] | None = None,
    ttl: int = 3600,
) -> str:
    return mint_token(channel, participant, attrs, ttl)


def make_audience_list(
    name: str,
    ids: list[str],
    channel: Channel,
    branch: Branch | None = None,
    kind: str = "whitelist",
):
    """An audience list with one version holding `ids` (add more with add_list_version)."""
    from core.models import AudienceList

    found = AudienceList(
        name=name, kind=kind, channel_id=channel.id, branch_id=(branch or make_hq()).id
    )
    db.session.add(found)
    db.session.flush()
    add_list_version(found, ids)
    return found


def add_list_version(target, ids: list[str]):
    from sqlalchemy import func, select

    from core.models import AudienceListVersion, AudienceMember

    number = (
        db.session.scalar(
            select(func.max(AudienceListVersion.number)).where(
                AudienceListVersion.list_id == target.id
            )
        )
        or 0
    ) + 1
    version = AudienceListVersion(list_id=target.id, number=number, size=len(ids), report={})
    db.session.add(version)
    db.session.flush()
    db.session.add_all(AudienceMember(version_id=version.id, participant=p) for p in ids)
    db.session.commit()
    return version
