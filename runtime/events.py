"""Server events (transaction, account_opened): stored once per (channel, event_id), then the
event's trigger rules run for the participant in each live campaign they joined (or the one
named), all in one transaction. A repeated event id is acknowledged and changes nothing.
The rules are evaluated before that transaction opens, so they never hold the write lock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import Campaign, Event, Membership, Participant, utcnow
from runtime import flights, hotstate, loader
from runtime.actions import Effects, stage_actions
from runtime.auth import ChannelSecret, Principal
from runtime.loader import LiveVersion
from runtime.loyalty import tasks
from runtime.reads import reading
from runtime.variables import build_variables

SERVER_TRIGGERS = frozenset({"transaction", "account_opened"})


def _event_fields() -> dict[str, str]:
    """Event data the rules can read: the catalogue variables of the server triggers only."""
    from rules import catalog

    return {n: v.type for n, v in catalog.VARIABLES.items() if v.triggers <= SERVER_TRIGGERS}


def _refuse(name: str, detail: str, message: str) -> ApiProblem:
    return ApiProblem(
        422,
        "validation_error",
        f"{name} {detail}",
        errors=[{"path": f"data.{name}", "message": message}],
    )


def event_variables(data: dict[str, Any]) -> dict[str, Any]:
    """The event's data as rule variables, typed as the catalogue declares them."""
    from rules.catalog import NUMERIC

    extra: dict[str, Any] = {}
    for name, kind in _event_fields().items():
        if name not in data:
            continue
        value = data[name]
        if kind == NUMERIC:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise _refuse(name, "must be a number >= 0.", "Must be >= 0.")
        elif not isinstance(value, str):
            raise _refuse(name, "must be text.", "Must be text.")
        extra[name] = value
    return extra


def _campaigns(participant_id: int, slug: str | None) -> list[str]:
    query = (
        select(Campaign.slug)
        .join(Membership, Membership.campaign_id == Campaign.id)
        .where(Membership.participant_id == participant_id, Campaign.status == "live")
    )
    if slug:
        query = query.where(Campaign.slug == slug)
    with reading():
        return list(db.session.scalars(query))


@tasks.retry_on_race
def accept_event(channel: ChannelSecret, body: dict[str, Any]) -> dict[str, Any]:
    """Record a server event once (UNIQUE channel + event id) and apply the rules it triggers
    in each campaign the participant belongs to. The rules run before the transaction opens
    (never holding the write lock); the commit and the Redis effects run as flights."""
    extra = event_variables(body["data"])
    with reading():
        participant = db.session.scalar(
            select(Participant).where(
                Participant.channel_id == channel.channel_id,
                Participant.external_id == body["participant"],
            )
        )
        if participant is not None:
            db.session.expunge(participant)
    now = utcnow()
    outcomes: list[tuple[LiveVersion, Any, tasks.TaskPlan | None]] = []
    if participant is not None:
        principal = Principal(
            channel.channel_id,
            channel.key,
            participant.external_id,
            participant.attrs or {},
            channel.name,
        )
        for slug in _campaigns(participant.id, body.get("campaign")):
            ref, live = loader.load(slug)
            if ref.status != "live" or (ref.ends_at and now >= ref.ends_at):
                continue
            person = hotstate.person_state(live.campaign_id, participant.id)
            variables = build_variables(live, principal, person, now, participant.id, extra)
            outcome = live.compiled.run(body["type"], variables)
            task_plan = tasks.plan(live, outcome, principal, person, now, participant.id)
            outcomes.append((live, outcome, task_plan))
    with flights.flight(*(live.campaign_id for live, _, _ in outcomes)):
        return _record_event(channel, body, participant, outcomes, now)


def _record_event(
    channel: ChannelSecret,
    body: dict[str, Any],
    participant: Participant | None,
    outcomes: list[tuple[LiveVersion, Any, tasks.TaskPlan | None]],
    now,
) -> dict[str, Any]:
    event = Event(
        channel_id=channel.channel_id,
        event_id=body["event_id"],
        type=body["type"],
        # the campaign the event applied to, when exactly one (reports count it there)
        campaign_id=outcomes[0][0].campaign_id if len(outcomes) == 1 else None,
        participant_id=participant.id if participant else None,
        payload=body["data"],
    )
    db.session.add(event)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return {"accepted": True, "duplicate": True, "campaigns": []}
    applied: list[tuple[Effects, dict[str, Any]]] = []
    for live, outcome, task_plan in outcomes:
        actions = [(n, p) for n, p in outcome.actions if n != "deny"]
        source = f"event:{event.id}:{live.campaign_id}"
        effects = stage_actions(live, participant.id, actions, source, now)
        try:
            tasks.stage(task_plan, effects, source, now)
        except tasks.TaskRace:
            for earlier, _ in applied:
                earlier.undo()
            raise
        applied.append(
            (effects, {"slug": live.slug, "fired": outcome.fired, "granted": effects.chances})
        )
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for effects, _ in applied:
            effects.undo()
        raise
    for effects, _ in applied:
        effects.after_commit()
    return {"accepted": True, "duplicate": False, "campaigns": [info for _, info in applied]}
