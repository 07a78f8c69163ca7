"""Demo activity in campaigns with tasks and a points mall: the bank's systems report some
members' account openings and transactions (server events, which complete tasks), and once
their points are issued some members spend them in the mall, through the runtime's own
functions (the same code the API runs)."""

from __future__ import annotations

import logging
import random
from typing import Any

from sqlalchemy import select

from core.errors import ApiProblem
from core.extensions import db
from core.models import Channel, Membership, Participant

logger = logging.getLogger(__name__)

TASK_DONE_RATE = 0.5
SHOPPER_RATE = 0.6


def task_event(task: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The server event (type, data) that completes `task`; None for a task done on the page
    or by friends (check-ins, invitations, votes)."""
    if task["event"] == "account_opened":
        return "account_opened", {"account_type": task.get("account_type") or "debit_card"}
    if task["event"] == "transaction":
        amount = max(float(task.get("min_amount") or 0), 100.0)
        data = {"transaction_type": task.get("transaction_type") or "card_spend"}
        return "transaction", {**data, "transaction_amount": amount}
    return None


def do_tasks(
    slug: str, bundle: dict[str, Any], channel: Channel, sub: str, rng: random.Random
) -> int:
    """Post the bank's events for some of the campaign's tasks done by `sub`; returns how
    many events were accepted."""
    from runtime.auth import channel_secret
    from runtime.events import accept_event

    tasks = bundle.get("tasks") or []
    if not tasks:
        return 0
    secret = channel_secret(channel.key)
    posted = 0
    for task in tasks:
        event = task_event(task)
        if event is None or rng.random() >= TASK_DONE_RATE:
            continue
        kind, data = event
        body = {
            "event_id": f"demo:{slug}:{sub}:{task['key']}",
            "type": kind,
            "participant": sub,
            "campaign": slug,
            "data": data,
        }
        try:
            accept_event(secret, body)
        except ApiProblem as problem:
            logger.warning("demo event %s refused: %s", body["event_id"], problem.detail)
            continue
        posted += 1
    return posted


def _choice_body(item: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {"item": item["key"]}
    if item.get("choices"):
        body["choice"] = rng.choice(item["choices"])["key"]
    return body


def shop(slug: str, channel: Channel, rng: random.Random) -> int:
    """Some members of the campaign `slug` exchange points for a right they can afford (refusals,
    such as too few points or a limit reached, are skipped); returns the exchanges made."""
    from runtime import loader
    from runtime.auth import Principal
    from runtime.loyalty.exchange import exchange

    ref, live = loader.load(slug)
    items = (live.bundle.get("mall") or {}).get("items") or []
    if not items:
        return 0
    members = db.session.execute(
        select(Participant.external_id, Participant.attrs)
        .join(Membership, Membership.participant_id == Participant.id)
        .where(Membership.campaign_id == live.campaign_id, Participant.channel_id == channel.id)
        .order_by(Membership.id)
    ).all()
    db.session.commit()
    made = 0
    for sub, attrs in members:
        if rng.random() >= SHOPPER_RATE:
            continue
        principal = Principal(channel.id, channel.key, sub, attrs or {}, channel.name)
        for item in rng.sample(items, k=len(items)):
            try:
                exchange(ref, live, principal, _choice_body(item, rng))
            except ApiProblem:
                continue
            made += 1
            break
    return made
