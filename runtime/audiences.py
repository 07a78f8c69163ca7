"""The join check against the audience library's lists: a participant passes a list when
their channel is the list's and their id is in the version the published campaign pinned.

One primary-key lookup per list per join (joins happen once per person and campaign), never a
whole list in memory; the (name, version) -> version id resolution is memoised per compiled
version, which is immutable. A pinned version that cannot be found admits nobody (fail closed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import literal, select

from core.extensions import db
from core.models import AudienceList, AudienceListVersion, AudienceMember
from runtime.auth import Principal
from runtime.loader import LiveVersion
from runtime.reads import reading
from runtime.references import list_refs

logger = logging.getLogger(__name__)

MEMO_KEY = "audience_lists"


@dataclass(frozen=True)
class PinnedList:
    name: str
    version_id: int
    channel_id: int


def resolve(live: LiveVersion) -> tuple[PinnedList | None, ...]:
    """The lists a published version names, each resolved to its pinned version (or None)."""
    pinned = live.memo.get(MEMO_KEY)
    if pinned is not None:
        return pinned
    found: list[PinnedList | None] = []
    with reading():
        for _field, ref in list_refs(live.bundle):
            row = db.session.execute(
                select(AudienceListVersion.id, AudienceList.channel_id)
                .join(AudienceList, AudienceList.id == AudienceListVersion.list_id)
                .where(
                    AudienceList.name == ref["name"],
                    AudienceListVersion.number == ref.get("version"),
                )
            ).first()
            if row is None:
                logger.error(
                    "campaign %s: audience list %r version %r is missing; nobody may join",
                    live.slug,
                    ref["name"],
                    ref.get("version"),
                )
            found.append(PinnedList(ref["name"], row.id, row.channel_id) if row else None)
    pinned = live.memo[MEMO_KEY] = tuple(found)
    return pinned


def is_member(version_id: int, participant: str) -> bool:
    with reading():
        return (
            db.session.scalar(
                select(literal(1)).where(
                    AudienceMember.version_id == version_id,
                    AudienceMember.participant == participant,
                )
            )
            is not None
        )


def admits(live: LiveVersion, principal: Principal) -> bool:
    """True when the participant is in every list the campaign's audience names."""
    return all(
        pinned is not None
        and pinned.channel_id == principal.channel_id
        and is_member(pinned.version_id, principal.sub)
        for pinned in resolve(live)
    )
