"""Server events (transaction, account_opened): stored once per (channel, event_id), then the
event's trigger rules run for the participant in each live campaign they joined (or the one
named), all in one transaction. A repeated event id is acknowledged and changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import Campaign, Event, Membership, Participant, utcnow
from runtime import hotstate, loader
from runtime.actions import Effects, stage_actions
from runtime.auth import ChannelSecret, Principal
from runtime.variables import build_variables

NUMBER_FIELDS = ("transaction_amount",)
TEXT_FIELDS = ("transaction_type", "account_type")


def event_variables(data: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name in NUMBER_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ApiProblem(
                    422,
                    "validation_error",
                    f"{name} must be a number >= 0.",
                    errors=[{"path": f"data.{name}", "message": "Must be >= 0."}],
                )
            extra[name] = value
    for name in TEXT_FIELDS:
        if name in data:
            if not isinstance(data[name], str):
                raise ApiProblem(
                    422,
                    "validation_error",
                    f"{name} must be text.",
                    errors=[{"path": f"data.{name}", "message": "Must be text."}],
                )
            extra[name] = data[name]
    return extra


def _campaigns(participant_id: int, slug: str | None) -> list[str]:
    query = (
        select(Campaign.slug)
        .join(Membership, Membership.campaign_id == Campaign.id)
        .where(Membership.participant_id == participant_id, Campaign.status == "live")
    )
    if slug:
        query = query.where(Campaign.slug == slug)
    return list(db.session.scalars(query))


def accept_event(channel: ChannelSecret, body: dict[str, Any]) -> dict[str, Any]:
    extra = event_variables(body["data"])
    participant = db.session.scalar(
        select(Participant).where(
            Participant.channel_id == channel.channel_id,
            Participant.external_id == body["participant"],
        )
    )
    event = Event(
        channel_id=channel.channel_id,
        event_id=body["event_id"],
        type=body["type"],
        participant_id=participant.id if participant else None,
        payload=body["data"],
    )
    db.session.add(event)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return {"accepted": True, "duplicate": True, "campaigns": []}
    now = utcnow()
    applied: list[tuple[Effects, dict[str, Any]]] = []
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
            actions = [(n, p) for n, p in outcome.actions if n != "deny"]
            effects = stage_actions(
                live, participant.id, actions, f"event:{event.id}:{live.campaign_id}", now
            )
            applied.append(
                (effects, {"slug": slug, "fired": outcome.fired, "granted": effects.chances})
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
