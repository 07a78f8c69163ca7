"""Joining a campaign and invitation codes (referrals).

The inviter's bonus (rules on trigger `referral`, run for the inviter) is granted once per
invitee and only when the invitee is a member: at join with a code, or when a member accepts a
code afterwards. Self-referral is refused (and the database CHECK refuses it too).

Every rule (audience, join, referral) is evaluated before the write transaction opens, so a
slow condition never holds SQLite's write lock (or PostgreSQL row locks) while it runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import Membership, Participant, utcnow
from rules.compile import Outcome
from runtime import audiences, flights, hotstate
from runtime.actions import Effects, stage_actions
from runtime.auth import Principal
from runtime.grants import ensure_daily_grants, stage_initial_grants
from runtime.loader import CampaignRef, LiveVersion, require_live
from runtime.loyalty import tasks
from runtime.members import (
    Member,
    add_membership,
    as_member,
    ensure_participant,
    find_member,
    member_by_code,
    remember,
)
from runtime.reads import reading
from runtime.variables import build_variables


def _token_branch(principal: Principal) -> str | None:
    branch = principal.attrs.get("branch")
    return branch if isinstance(branch, str) and 0 < len(branch) <= 32 else None


def _inviter(live: LiveVersion, code: str, invitee_id: int) -> Member:
    inviter = member_by_code(live.campaign_id, code) if code else None
    if inviter is None:
        raise ApiProblem(
            422,
            "invalid_referral_code",
            "That invitation code does not exist.",
            errors=[{"path": "referral_code", "message": "Unknown code."}],
        )
    if inviter.participant_id == invitee_id:
        raise ApiProblem(
            422,
            "self_referral",
            "You cannot use your own invitation code.",
            errors=[{"path": "referral_code", "message": "Your own code."}],
        )
    return inviter


def _inviter_outcome(
    live: LiveVersion, inviter: Member, invitee: Principal, now: datetime
) -> tuple[Outcome, tasks.TaskPlan | None]:
    """Run the referral rules for the inviter (profile from the inviter's stored attributes),
    and plan the inviter's tasks this referral completes."""
    from runtime.auth import Principal as P

    with reading():
        attrs = db.session.scalar(
            select(Participant.attrs).where(Participant.id == inviter.participant_id)
        )
    person = hotstate.person_state(live.campaign_id, inviter.participant_id)
    inviter_principal = P(invitee.channel_id, "", "", attrs or {})
    extra = {"invitee_is_new_customer": invitee.attrs.get("is_new_customer") is True}
    extra.update(this_referral_counted(person, live.local_day(now)))
    variables = build_variables(live, inviter_principal, person, now, inviter.participant_id, extra)
    outcome = live.compiled.run("referral", variables)
    pid = inviter.participant_id
    return outcome, tasks.plan(live, outcome, inviter_principal, person, now, pid)


def _stage_inviter_bonus(
    live: LiveVersion,
    inviter: Member,
    planned: tuple[Outcome, tasks.TaskPlan | None],
    invitee_id: int,
    now: datetime,
) -> Effects:
    """Stage the inviter's bonus from the referral rules' (already evaluated) outcome and the
    inviter's tasks it completes."""
    outcome, task_plan = planned
    actions = [(n, p) for n, p in outcome.actions if n != "deny"]
    source = f"referral:{live.campaign_id}:{invitee_id}"
    effects = stage_actions(live, inviter.participant_id, actions, source, now)
    tasks.stage(task_plan, effects, source, now)
    day = live.local_day(now)
    effects.counters.update({"r": 1, f"r:{day}": 1})
    return effects


def this_referral_counted(person: dict[str, str], day: str) -> dict[str, int]:
    """The inviter's referral counters including the referral being made (docs/rules.md):
    "referrals_total equal_to 5" fires on the fifth friend."""
    return {
        "referrals_total": hotstate.as_int(person, "r") + 1,
        "referrals_today": hotstate.as_int(person, f"r:{day}") + 1,
    }


@tasks.retry_on_race
def join(
    ref: CampaignRef,
    live: LiveVersion,
    principal: Principal,
    referral_code: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    now = now or utcnow()
    require_live(ref, now)
    pid = ensure_participant(principal)
    existing = find_member(live.campaign_id, pid)
    if existing is not None:
        return {
            "joined": True,
            "new": False,
            "referral_code": existing.referral_code,
            "granted": {},
            "messages": [],
        }
    person = hotstate.person_state(live.campaign_id, pid)
    variables = build_variables(live, principal, person, now, pid)
    allowed, message = live.compiled.audience_allows(
        variables, principal.sub, principal.channel_name
    )
    if allowed and not audiences.admits(live, principal):
        allowed, message = False, live.bundle["audience"]["message"]
    if not allowed:
        raise ApiProblem(403, "not_eligible", message or "Not eligible.")
    outcome = live.compiled.run("join", variables)
    if outcome.denied:
        raise ApiProblem(403, "not_eligible", outcome.denied)
    inviter = _inviter(live, referral_code, pid) if referral_code else None
    inviter_rules = _inviter_outcome(live, inviter, principal, now) if inviter else None
    with flights.flight(live.campaign_id):
        row = add_membership(
            live.campaign_id,
            pid,
            _token_branch(principal),
            inviter.participant_id if inviter else None,
            now,
        )
        granted = stage_initial_grants(live, pid)
        effects = stage_actions(live, pid, outcome.actions, f"join:{live.campaign_id}:{pid}", now)
        bonus = None
        if inviter is not None and inviter_rules is not None:
            try:
                bonus = _stage_inviter_bonus(live, inviter, inviter_rules, pid, now)
            except tasks.TaskRace:
                effects.undo()
                raise
        try:
            db.session.flush()
            joined = as_member(row)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            effects.undo()
            if bonus:
                bonus.undo()
            member = find_member(live.campaign_id, pid)
            if member is None:
                raise
            return {
                "joined": True,
                "new": False,
                "referral_code": member.referral_code,
                "granted": {},
                "messages": [],
            }
        member = remember(live.campaign_id, joined)
        for kind, count in granted.items():
            hotstate.add_chances(live.campaign_id, pid, kind, count)
        effects.after_commit()
        if bonus:
            bonus.after_commit()
        ensure_daily_grants(live, pid, live.local_day(now))
        for kind, count in effects.chances.items():
            granted[kind] = granted.get(kind, 0) + count
        return {
            "joined": True,
            "new": True,
            "referral_code": member.referral_code,
            "granted": granted,
            "messages": effects.messages,
        }


@tasks.retry_on_race
def accept_referral(
    ref: CampaignRef,
    live: LiveVersion,
    principal: Principal,
    code: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A member (the invitee) accepts an invitation code; the inviter's bonus follows once."""
    now = now or utcnow()
    require_live(ref, now)
    pid = ensure_participant(principal)
    member = find_member(live.campaign_id, pid)
    if member is None:
        raise ApiProblem(
            403, "not_joined", "Join the campaign first (or send referral_code when joining)."
        )
    inviter = _inviter(live, code, pid)
    inviter_rules = _inviter_outcome(live, inviter, principal, now)
    with flights.flight(live.campaign_id):
        claimed = db.session.execute(
            update(Membership)
            .where(Membership.id == member.membership_id, Membership.referred_by_id.is_(None))
            .values(referred_by_id=inviter.participant_id)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            raise ApiProblem(409, "already_referred", "You have already accepted an invitation.")
        bonus = _stage_inviter_bonus(live, inviter, inviter_rules, pid, now)
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            bonus.undo()
            raise
        bonus.after_commit()
    from runtime.loader import cache

    cache().members.pop((live.campaign_id, pid), None)
    return {"accepted": True, "inviter_rewarded": True}
