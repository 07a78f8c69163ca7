"""Shares, check-ins, votes and leads: run the trigger's rules, then record once (UNIQUE rows)
and apply their actions in one transaction, then update Redis counters after the commit.

The rules are evaluated before the transaction opens: a slow condition must never hold
SQLite's write lock (or PostgreSQL row locks) while it runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import CheckIn, Lead, ShareRecord, Vote, utcnow
from rules.compile import Outcome
from runtime import flights, hotstate
from runtime.actions import Effects, stage_actions
from runtime.auth import Principal
from runtime.loader import CampaignRef, LiveVersion, require_live
from runtime.loyalty import tasks
from runtime.members import Member, require_member
from runtime.reads import reading
from runtime.variables import build_variables


def _result(effects: Effects | None, counted: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "counted": counted,
        "granted": dict(effects.chances) if effects else {},
        "points": effects.points if effects else 0,
        "messages": list(effects.messages) if effects else [],
        **extra,
    }


def _start(
    ref: CampaignRef, live: LiveVersion, principal: Principal
) -> tuple[Member, datetime, str, dict[str, str]]:
    now = utcnow()
    require_live(ref, now)
    member = require_member(live.campaign_id, principal)
    person = hotstate.person_state(live.campaign_id, member.participant_id)
    return member, now, live.local_day(now), person


def _evaluate(
    live: LiveVersion,
    principal: Principal,
    member: Member,
    person: dict,
    now: datetime,
    trigger: str,
    extra: dict[str, Any],
) -> Outcome:
    """The trigger's rules, run while no transaction is open (see the module docstring)."""
    variables = build_variables(live, principal, person, now, member.participant_id, extra)
    return live.compiled.run(trigger, variables)


def _stage(
    live: LiveVersion, member: Member, outcome: Outcome, source: str, now: datetime
) -> Effects:
    if outcome.denied:
        db.session.rollback()
        raise ApiProblem(403, "denied", outcome.denied)
    return stage_actions(live, member.participant_id, outcome.actions, source, now)


def _commit(effects: Effects, on_conflict: ApiProblem | None = None) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        effects.undo()
        if on_conflict is not None:
            raise on_conflict from None
        raise
    except Exception:
        db.session.rollback()
        effects.undo()
        raise
    effects.after_commit()


def share(
    ref: CampaignRef, live: LiveVersion, principal: Principal, channel: str
) -> dict[str, Any]:
    """Counted once per share channel per local day; rules run for at most
    limits.shares_rewarded_per_day counted shares a day."""
    member, now, day, person = _start(ref, live, principal)
    outcome = _evaluate(live, principal, member, person, now, "share", {"share_channel": channel})
    with flights.flight(live.campaign_id):
        row = ShareRecord(
            campaign_id=live.campaign_id,
            participant_id=member.participant_id,
            share_channel=channel,
            day=day,
        )
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return _result(None, counted=False)
        cap = live.bundle["limits"]["shares_rewarded_per_day"]
        key = hotstate.person_key(live.campaign_id, member.participant_id)
        conn = hotstate.client()
        rewarded = cap is None or conn.hincrby(key, f"sr:{day}", 1) <= cap
        effects = Effects(live.campaign_id, member.participant_id)
        try:
            if rewarded:
                row.rewarded = True
                effects = _stage(live, member, outcome, f"share:{row.id}", now)
            effects.counters.update({"s": 1, f"s:{day}": 1})
            _commit(effects)
        except Exception:
            if rewarded and cap is not None:
                conn.hincrby(key, f"sr:{day}", -1)
            raise
        return _result(effects)


def _streak(live: LiveVersion, participant_id: int, day: str) -> int:
    yesterday = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    with reading():
        previous = db.session.scalar(
            select(CheckIn.streak).where(
                CheckIn.campaign_id == live.campaign_id,
                CheckIn.participant_id == participant_id,
                CheckIn.day == yesterday,
            )
        )
    return (previous or 0) + 1


@tasks.retry_on_race
def check_in(ref: CampaignRef, live: LiveVersion, principal: Principal) -> dict[str, Any]:
    """One check-in per local day; the streak counts consecutive local days."""
    member, now, day, person = _start(ref, live, principal)
    streak = _streak(live, member.participant_id, day)
    month = f"ci:{day[:7]}"  # check-ins in this local calendar month
    extra = {
        "checkin_streak": streak,
        "checkins_total": hotstate.as_int(person, "ci") + 1,
        "checkins_this_month": hotstate.as_int(person, month) + 1,
    }
    outcome = _evaluate(live, principal, member, person, now, "check_in", extra)
    task_plan = tasks.plan(live, outcome, principal, person, now, member.participant_id)
    with flights.flight(live.campaign_id):
        row = CheckIn(
            campaign_id=live.campaign_id,
            participant_id=member.participant_id,
            day=day,
            streak=streak,
        )
        db.session.add(row)
        conflict = ApiProblem(409, "already_checked_in", "You have already checked in today.")
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise conflict from None
        effects = _stage(live, member, outcome, f"checkin:{row.id}", now)
        tasks.stage(task_plan, effects, f"checkin:{row.id}", now)
        effects.counters.update({"ci": 1, month: 1})
        _commit(effects, conflict)
        conn = hotstate.client()
        conn.hset(
            hotstate.person_key(live.campaign_id, member.participant_id),
            mapping={"cs": streak, "cl": day},
        )
        return _result(effects, streak=streak)


def candidates(live: LiveVersion) -> set[str]:
    config = live.bundle["widget"]["config"]
    items = config.get("candidates") or []
    return {str(c["id"]) for c in items if isinstance(c, dict) and "id" in c}


@tasks.retry_on_race
def vote(
    ref: CampaignRef, live: LiveVersion, principal: Principal, candidate: str
) -> dict[str, Any]:
    """One vote per candidate per local day (widget.config.vote_period "day"), or ever ("once")."""
    member, now, day, person = _start(ref, live, principal)
    if candidate not in candidates(live):
        raise ApiProblem(
            422,
            "validation_error",
            f"Unknown candidate {candidate!r}.",
            errors=[{"path": "candidate", "message": "Unknown candidate."}],
        )
    period = live.bundle["widget"]["config"].get("vote_period", "day")
    outcome = _evaluate(live, principal, member, person, now, "vote", {"vote_candidate": candidate})
    task_plan = tasks.plan(live, outcome, principal, person, now, member.participant_id)
    with flights.flight(live.campaign_id):
        row = Vote(
            campaign_id=live.campaign_id,
            participant_id=member.participant_id,
            candidate=candidate,
            day="all" if period == "once" else day,
        )
        db.session.add(row)
        conflict = ApiProblem(409, "already_voted", "You have already voted for this candidate.")
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise conflict from None
        effects = _stage(live, member, outcome, f"vote:{row.id}", now)
        tasks.stage(task_plan, effects, f"vote:{row.id}", now)
        effects.counters[f"v:{day}"] = 1
        _commit(effects, conflict)
        count = hotstate.client().hincrby(hotstate.votes_key(live.campaign_id), candidate, 1)
        return _result(effects, count=count)


def lead(
    ref: CampaignRef, live: LiveVersion, principal: Principal, form: dict[str, Any]
) -> dict[str, Any]:
    """Store a lead with its consent flags; contact consent is required."""
    member, now, day, person = _start(ref, live, principal)
    if form.get("consent_contact") is not True:
        raise ApiProblem(
            422,
            "validation_error",
            "Consent to be contacted is required.",
            errors=[{"path": "consent_contact", "message": "Must be true."}],
        )
    fields = {k: form[k] for k in ("name", "phone", "product", "note") if k in form}
    outcome = _evaluate(live, principal, member, person, now, "lead", {})
    with flights.flight(live.campaign_id):
        row = Lead(
            campaign_id=live.campaign_id,
            participant_id=member.participant_id,
            fields=fields,
            consent_contact=True,
            consent_marketing=bool(form.get("consent_marketing")),
            branch_code=member.branch_code,
        )
        db.session.add(row)
        db.session.flush()
        lead_id = row.id
        effects = _stage(live, member, outcome, f"lead:{lead_id}", now)
        _commit(effects)
        return {"lead_id": lead_id, "messages": effects.messages}
