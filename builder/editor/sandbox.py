"""The preview's sandbox: the draft's own rules and odds answer what a participant does in the
studio's preview, while the participant's state (chances, points, wins) lives in the preview
page. Nothing is written: no ledger row, no stock taken, no Redis key of the live campaign."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from rules import compile_bundle, pick
from rules.odds import PersonState
from rules.tester import SampleParticipant, variables_at

TRIGGERS = {
    "join": "join",
    "draw": "draw",
    "share": "share",
    "check-in": "check_in",
    "votes": "vote",
    "referrals": "referral",
    "leads": "lead",
}
MAX_COUNT = 1_000_000


def _count(value: Any) -> int:
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT
        else 0
    )


def initial_state(bundle: dict[str, Any]) -> dict[str, Any]:
    """What a participant has on joining: each kind's first grant and daily grant."""
    kinds = bundle["chances"]["kinds"]
    return {
        "chances": {k["key"]: k.get("initial", 0) + k.get("daily", 0) for k in kinds},
        "points": 0,
        "draws": 0,
        "wins": 0,
        "wins_by_prize": {},
        "shares_today": 0,
        "checkins": 0,
        "streak": 0,
    }


def _variables(bundle: dict[str, Any], state: dict[str, Any], now: datetime) -> dict[str, Any]:
    chances = state.get("chances") if isinstance(state.get("chances"), dict) else {}
    values = {
        "draws_total": _count(state.get("draws")),
        "draws_today": _count(state.get("draws")),
        "wins_total": _count(state.get("wins")),
        "points_balance": _count(state.get("points")),
        "shares_today": _count(state.get("shares_today")),
        "shares_total": _count(state.get("shares_today")),
        "checkin_streak": _count(state.get("streak")),
        "checkins_total": _count(state.get("checkins")),
        "chances_left": sum(_count(v) for v in chances.values()),
    }
    return variables_at(bundle, SampleParticipant(participant_id="preview", values=values), now)


def play(
    bundle: dict[str, Any], action: str, state: dict[str, Any], body: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """One participant request against the draft: the outcome and the actions to apply."""
    compiled = compile_bundle(bundle)
    b = compiled.bundle
    trigger = TRIGGERS[action]
    variables = _variables(b, state, now)
    answer: dict[str, Any] = {"trigger": trigger}
    if trigger == "join":
        allowed, message = compiled.audience_allows(
            variables, "preview", b["audience"].get("whitelist_channel")
        )
        if not allowed:
            return {**answer, "denied": message}
    if trigger == "draw":
        answer["prize"] = _draw(compiled, b, state, body, now)
    outcome = compiled.run(trigger, variables)
    if outcome.denied:
        return {**answer, "denied": outcome.denied, "prize": None}
    answer["actions"] = [{"name": n, "params": p} for n, p in outcome.actions]
    return answer


def _draw(
    compiled: Any, b: dict[str, Any], state: dict[str, Any], body: dict[str, Any], now: datetime
) -> dict[str, Any] | None:
    wins = state.get("wins_by_prize") if isinstance(state.get("wins_by_prize"), dict) else {}
    wins = {k: _count(v) for k, v in wins.items() if isinstance(k, str)}
    stock = {
        p["key"]: None if p["stock"] is None else max(0, p["stock"] - wins.get(p["key"], 0))
        for p in b["prizes"]
    }
    person = PersonState(
        draws_total=_count(state.get("draws")),
        wins_total=_count(state.get("wins")),
        wins_by_prize=wins,
        wins_today=0,
    )
    kind = body.get("chance_kind") if isinstance(body.get("chance_kind"), str) else None
    table = compiled.odds_table(
        now, person, stock, [], chance_kind=kind or b["chances"]["default_kind"]
    )
    key = pick(table, secrets.SystemRandom().random())
    if key is None:
        return None
    prize = next(p for p in b["prizes"] if p["key"] == key)
    reward = prize["reward"]
    return {
        "key": key,
        "name": prize["name"],
        "name_en": prize.get("name_en"),
        "fallback": prize["fallback"],
        "kind": reward["kind"],
        "amount": reward.get("amount") or reward.get("min"),
    }
