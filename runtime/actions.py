"""Applying rule actions: one handler per catalogue action (registered in `default_registry`),
and `stage_actions`, which stages every action's ledger rows in the caller's transaction and
returns the Redis effects to run after the commit (or to undo if it fails).

Source keys derive from the request's own ledger key, so re-running never grants twice
(ChanceEntry.source_key and Reward.source_key are UNIQUE).
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from core.errors import ApiProblem
from core.extensions import db
from core.models import ChanceEntry, OddsBoost, Prize, Reward
from runtime import hotstate
from runtime.action_registry import ActionContext, ActionRegistry
from runtime.loader import LiveVersion

logger = logging.getLogger(__name__)


@dataclass
class Effects:
    """What a set of actions did, and what Redis must learn after the SQL commit."""

    campaign_id: int
    participant_id: int
    chances: dict[str, int] = field(default_factory=dict)
    points: int = 0
    tags: list[str] = field(default_factory=list)
    boosts: list[dict[str, Any]] = field(default_factory=list)
    guarantee: str | None = None
    issued: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    # (prize, day, issuer limits) taken by issue_prize, given back if the transaction fails
    taken: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)
    prizes: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def after_commit(self) -> None:
        key = hotstate.person_key(self.campaign_id, self.participant_id)
        conn = hotstate.client()
        pipe = conn.pipeline(transaction=True)
        for kind, count in self.chances.items():
            pipe.hincrby(key, f"ch:{kind}", count)
        for name, amount in self.counters.items():
            pipe.hincrby(key, name, amount)
        if self.guarantee:
            pipe.hset(key, "guarantee", self.guarantee)
        for boost in self.boosts:
            pipe.rpush(
                hotstate.boosts_key(self.campaign_id, self.participant_id), json.dumps(boost)
            )
        pipe.execute()
        if self.tags:
            known = set(json.loads(conn.hget(key, "tags") or "[]"))
            conn.hset(key, "tags", json.dumps(sorted(known | set(self.tags))))

    def undo(self) -> None:
        """Give back prize stock taken by issue_prize when the transaction failed."""
        conn = hotstate.client()
        for prize, day, limits in self.taken:
            spec = self.prizes.get(prize) or {}
            if spec.get("stock") is not None:
                conn.hincrby(hotstate.stock_key(self.campaign_id), prize, 1)
            if spec.get("daily_release") is not None:
                conn.hincrby(hotstate.release_key(self.campaign_id, day), prize, -1)
            for counter, units in limits.items():
                conn.hincrby(hotstate.limits_key(self.campaign_id), counter, units)
        self.taken.clear()

    def to_dict(self) -> dict[str, Any]:
        return {
            "chances": self.chances,
            "points": self.points,
            "tags": self.tags,
            "boosts": len(self.boosts),
            "guarantee": self.guarantee,
            "issued": self.issued,
            "messages": self.messages,
        }


def reward_payload(live: LiveVersion, prize_key: str) -> dict[str, Any]:
    prize = live.prizes[prize_key]
    return {
        **prize["reward"],
        "prize_key": prize_key,
        "prize_name": prize["name"],
        "value": prize.get("value"),
    }


def _issue_prize(
    live: LiveVersion, effects: Effects, prize_key: str, source: str, now: datetime
) -> None:
    from rules.draws import BUDGET, reward_costs

    prize = live.prizes.get(prize_key)
    if prize is None:
        return
    day = live.local_day(now)
    costs = reward_costs(prize["reward"], secrets.SystemRandom().random())
    taken = hotstate.Scripts.get("take_stock")(
        keys=[
            hotstate.stock_key(live.campaign_id),
            hotstate.release_key(live.campaign_id, day),
            hotstate.limits_key(live.campaign_id),
        ],
        args=[
            prize_key,
            "1" if prize["stock"] is not None else "0",
            "" if prize["daily_release"] is None else str(prize["daily_release"]),
            json.dumps([c.to_list() for c in costs]) if costs else "",
        ],
    )
    if not taken:
        effects.messages.append(f"{prize['name']}: out of stock")
        return
    limits = json.loads(taken) if isinstance(taken, str | bytes) else {}
    if prize["stock"] is not None or prize["daily_release"] is not None or limits:
        effects.taken.append((prize_key, day, limits))
        effects.prizes[prize_key] = prize
    payload = reward_payload(live, prize_key)
    if BUDGET in limits:
        payload["amount_cents"] = limits[BUDGET]  # what the red packet issuer pays
    db.session.execute(
        update(Prize)
        .where(Prize.campaign_id == live.campaign_id, Prize.key == prize_key)
        .values(issued=Prize.issued + 1)
    )
    db.session.add(
        Reward(
            source_key=source,
            campaign_id=live.campaign_id,
            participant_id=effects.participant_id,
            prize_key=prize_key,
            kind=prize["reward"]["kind"],
            payload=payload,
        )
    )
    effects.issued.append(prize_key)


def grant_chances(ctx: ActionContext, kind: str, count: int) -> None:
    db.session.add(
        ChanceEntry(
            campaign_id=ctx.live.campaign_id,
            participant_id=ctx.effects.participant_id,
            kind=kind,
            delta=count,
            reason="rule",
            source_key=ctx.key,
        )
    )
    ctx.effects.chances[kind] = ctx.effects.chances.get(kind, 0) + count


def deny(ctx: ActionContext, message: str) -> None:
    raise ApiProblem(403, "denied", message)


def award_points(ctx: ActionContext, amount: int, note: str) -> None:
    db.session.add(
        Reward(
            source_key=ctx.key,
            campaign_id=ctx.live.campaign_id,
            participant_id=ctx.effects.participant_id,
            kind="points",
            # a points reward's payload, as rules.rewards defines it (no empty note)
            payload={"amount": amount, **({"note": note} if note else {})},
        )
    )
    ctx.effects.points += amount


def boost_odds(ctx: ActionContext, prizes: list[str], factor: float, minutes: int) -> None:
    until = ctx.now + timedelta(minutes=minutes)
    db.session.add(
        OddsBoost(
            campaign_id=ctx.live.campaign_id,
            participant_id=ctx.effects.participant_id,
            kind="boost",
            prizes=list(prizes),
            factor=factor,
            expires_at=until,
            source=ctx.key,
        )
    )
    ctx.effects.boosts.append(
        {"prizes": list(prizes), "factor": factor, "until": until.isoformat()}
    )


def guarantee_win(ctx: ActionContext, prize: str) -> None:
    db.session.add(
        OddsBoost(
            campaign_id=ctx.live.campaign_id,
            participant_id=ctx.effects.participant_id,
            kind="guarantee",
            prizes=[prize],
            source=ctx.key,
        )
    )
    ctx.effects.guarantee = prize


def issue_prize(ctx: ActionContext, prize: str) -> None:
    _issue_prize(ctx.live, ctx.effects, prize, ctx.key, ctx.now)


def tag_participant(ctx: ActionContext, tag: str) -> None:
    ctx.effects.tags.append(tag)


def send_message(ctx: ActionContext, text: str) -> None:
    ctx.effects.messages.append(text)


def default_registry() -> ActionRegistry:
    """The handler of every catalogue action (explicit: nothing is discovered)."""
    registry = ActionRegistry()
    for name, handler in (
        ("grant_chances", grant_chances),
        ("deny", deny),
        ("award_points", award_points),
        ("boost_odds", boost_odds),
        ("guarantee_win", guarantee_win),
        ("issue_prize", issue_prize),
        ("tag_participant", tag_participant),
        ("send_message", send_message),
    ):
        registry.register(name, handler)
    return registry


@functools.cache
def registry() -> ActionRegistry:
    """The process's action registry, built on first use and checked complete."""
    built = default_registry()
    built.check_complete()
    return built


def stage_actions(
    live: LiveVersion,
    participant_id: int,
    actions: list[tuple[str, dict]],
    source: str,
    now: datetime,
) -> Effects:
    """Add the ledger rows for `actions` to the session; deny must be handled before.
    An action without a handler raises (UnknownAction) instead of being skipped."""
    effects = Effects(live.campaign_id, participant_id)
    handlers = registry()
    for index, (name, params) in enumerate(actions):
        handlers.apply(ActionContext(live, effects, f"{source}:a{index}", now), name, params)
    return effects
