"""Participants and memberships: found through in-process caches, created on first write."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import Membership, Participant, utcnow
from runtime.auth import Principal
from runtime.loader import cache
from runtime.reads import reading

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class Member:
    membership_id: int
    participant_id: int
    branch_code: str | None
    referral_code: str
    referred_by_id: int | None


def new_referral_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def find_participant(principal: Principal) -> int | None:
    key = (principal.channel_id, principal.sub)
    known = cache().participants.get(key)
    if known is not None:
        return known
    with reading():
        found = db.session.scalar(
            select(Participant.id).where(
                Participant.channel_id == principal.channel_id,
                Participant.external_id == principal.sub,
            )
        )
    if found is not None:
        cache().participants[key] = found
    return found


def ensure_participant(principal: Principal) -> int:
    """The participant id for this token's subject, creating the row (committed) if needed."""
    found = find_participant(principal)
    if found is not None:
        return found
    row = Participant(
        channel_id=principal.channel_id, external_id=principal.sub, attrs=dict(principal.attrs)
    )
    db.session.add(row)
    try:
        db.session.flush()
        created = row.id  # read before the commit: reading it after would reopen a transaction
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = find_participant(principal)
        if found is None:
            raise
        return found
    cache().participants[(principal.channel_id, principal.sub)] = created
    return created


def _member(row: Any) -> Member:
    return Member(
        row.id, row.participant_id, row.branch_code, row.referral_code, row.referred_by_id
    )


def find_member(campaign_id: int, participant_id: int | None) -> Member | None:
    if participant_id is None:
        return None
    key = (campaign_id, participant_id)
    known = cache().members.get(key)
    if known is not None:
        return known
    with reading():
        row = db.session.scalar(
            select(Membership).where(
                Membership.campaign_id == campaign_id, Membership.participant_id == participant_id
            )
        )
        member = _member(row) if row is not None else None
    if member is not None:
        cache().members[key] = member
    return member


def require_member(campaign_id: int, principal: Principal) -> Member:
    member = find_member(campaign_id, find_participant(principal))
    if member is None:
        raise ApiProblem(403, "not_joined", "Join the campaign first.")
    return member


def add_membership(
    campaign_id: int,
    participant_id: int,
    branch_code: str | None,
    referred_by_id: int | None,
    joined_at: datetime | None = None,
) -> Membership:
    """Stage a membership row in the session (the caller commits), stamped at the join's
    moment, the one its rules and the draws after it are judged at."""
    row = Membership(
        campaign_id=campaign_id,
        participant_id=participant_id,
        branch_code=branch_code,
        referral_code=new_referral_code(),
        referred_by_id=referred_by_id,
        joined_at=joined_at or utcnow(),
    )
    db.session.add(row)
    return row


def as_member(row: Membership) -> Member:
    """The membership row (flushed) as a Member; read before the commit expires the row."""
    return _member(row)


def remember(campaign_id: int, member: Member) -> Member:
    cache().members[(campaign_id, member.participant_id)] = member
    return member


def member_by_code(campaign_id: int, code: str) -> Member | None:
    with reading():
        row = db.session.scalar(
            select(Membership).where(
                Membership.campaign_id == campaign_id, Membership.referral_code == code.upper()
            )
        )
        return _member(row) if row is not None else None
