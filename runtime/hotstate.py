"""Redis hot state of a live campaign: key names, the draw script and its undo, counters.

Every key carries the campaign's hash tag (`cs:{<campaign_id>}:...`) so a script touching one
campaign's keys runs on one Redis Cluster slot. SQL stays the source of truth; everything here
can be rebuilt by `runtime.reconcile`.

Person hash fields (`cs:{cid}:p:<participant_id>`): `ch:<kind>` chances left, `d` draws,
`d:<day>` draws that local day, `w`/`w:<day>` wins (non-fallback), `wp:<prize>` wins per prize,
`s`/`s:<day>` shares counted, `r`/`r:<day>` referrals, `ci` check-ins, `cs` streak,
`cl` last check-in day, `v:<day>` votes, `guarantee` a prize the next draw must win,
`dg:<kind>:<day>` daily grant given.

`cs:{cid}:fence` and `cs:{cid}:flights` belong to runtime.flights (reconcile while draws run).

Issuer limits (`cs:{cid}:limits`): `budget` cents of limits.budget red packets may still take,
`pool:<key>` codes of a coupon pool the campaign may still promise (rules.draws); draw.lua
takes them with the stock, so a reward admitted is a reward its issuer can give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import redis

from core.extensions import redis_store
from rules import json_text

LUA_DIR = Path(__file__).parent / "lua"
RELEASE_TTL_SECONDS = 3 * 24 * 3600


def prefix(campaign_id: int) -> str:
    return f"cs:{{{campaign_id}}}"


def person_key(campaign_id: int, participant_id: int) -> str:
    return f"{prefix(campaign_id)}:p:{participant_id}"


def stock_key(campaign_id: int) -> str:
    return f"{prefix(campaign_id)}:stock"


def release_key(campaign_id: int, day: str) -> str:
    return f"{prefix(campaign_id)}:release:{day}"


def branch_key(campaign_id: int) -> str:
    return f"{prefix(campaign_id)}:branch_wins"


def limits_key(campaign_id: int) -> str:
    return f"{prefix(campaign_id)}:limits"


def votes_key(campaign_id: int) -> str:
    return f"{prefix(campaign_id)}:votes"


def boosts_key(campaign_id: int, participant_id: int) -> str:
    return f"{prefix(campaign_id)}:boosts:{participant_id}"


def fence_key(campaign_id: int) -> str:
    return f"{prefix(campaign_id)}:fence"


def flights_key(campaign_id: int) -> str:
    return f"{prefix(campaign_id)}:flights"


def client() -> redis.Redis:
    assert redis_store.client is not None, "Redis is not initialised"
    return redis_store.client


class Scripts:
    """The Lua scripts, registered once per Redis client (EVALSHA with automatic reload)."""

    _cache: dict[int, dict[str, Any]] = {}

    @classmethod
    def get(cls, name: str):
        conn = client()
        scripts = cls._cache.setdefault(id(conn), {})
        if name not in scripts:
            scripts[name] = conn.register_script((LUA_DIR / f"{name}.lua").read_text())
        return scripts[name]


def compact(value: Any) -> Any:
    """Drop None values: cjson turns JSON null into a truthy userdata."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


@dataclass(frozen=True)
class DrawAdmission:
    status: str
    prize: str | None
    refused_reason: str | None
    taken: dict[str, int] = field(default_factory=dict)  # issuer limits taken: counter -> units
    flight: str = ""  # the admitted draw's flight (runtime.flights), landed after its commit


def draw_keys(campaign_id: int, participant_id: int, day: str) -> list[str]:
    return [
        person_key(campaign_id, participant_id),
        stock_key(campaign_id),
        release_key(campaign_id, day),
        branch_key(campaign_id),
        limits_key(campaign_id),
    ]


def admit_draw(
    campaign_id: int, participant_id: int, spec: dict[str, Any], boarding=None
) -> DrawAdmission:
    """Run draw.lua: take a chance and admit the candidate prize (or another real prize for a
    guaranteed draw, or the fallback) atomically, registering the draw as in flight
    (runtime.flights). While reconcile holds the campaign's fence it waits (up to
    flights.FENCE_WAIT_SECONDS), then answers status "busy". `spec` must hold no None values
    (see `compact`): it is sent as it is. `boarding` (runtime.landings) hands the call the
    committed flights of other draws to land first."""
    from runtime import flights

    keys = draw_keys(campaign_id, participant_id, spec["day"])
    keys += [fence_key(campaign_id), flights_key(campaign_id)]
    token = flights.new_token()
    carried = boarding.take() if boarding is not None else []
    spec = {**spec, "flight": token, "land": carried} if carried else {**spec, "flight": token}
    script = Scripts.get("draw")
    try:
        for attempt in flights.fence_waits():
            if attempt == 1 and carried:  # landed by the first call
                spec = {k: v for k, v in spec.items() if k != "land"}
            status, prize, reason, taken = script(keys=keys, args=[json_text.dumps(spec)])
            if status != "busy":
                break
    except redis.RedisError:
        if boarding is not None:
            boarding.admitted(delivered=False)
        raise
    if boarding is not None:
        boarding.admitted()
    return DrawAdmission(
        status, prize or None, reason or None, json.loads(taken) if taken else {}, token
    )


def undo_draw(campaign_id: int, participant_id: int, spec: dict[str, Any]) -> None:
    """Give back what draw.lua took and land its flight; spec: {kind, day, branch, flight,
    prize, keep_stock, taken} (see lua/undo_draw.lua)."""
    keys = draw_keys(campaign_id, participant_id, spec["day"]) + [flights_key(campaign_id)]
    Scripts.get("undo_draw")(keys=keys, args=[json.dumps(compact(spec))])


def prime_stock(campaign_id: int, items: list[dict[str, Any]]) -> None:
    """items: [{key, left, delta}] (see lua/prime_stock.lua)."""
    if items:
        Scripts.get("prime_stock")(keys=[stock_key(campaign_id)], args=[json.dumps(items)])


def prime_limits(campaign_id: int, items: list[dict[str, Any]]) -> None:
    """Issuer-limit counters, primed like stock: items [{key, left, delta}]."""
    if items:
        Scripts.get("prime_stock")(keys=[limits_key(campaign_id)], args=[json.dumps(items)])


def person_state(campaign_id: int, participant_id: int) -> dict[str, str]:
    return client().hgetall(person_key(campaign_id, participant_id))


@dataclass(frozen=True)
class DrawInputs:
    person: dict[str, str]
    stock: dict[str, str]
    release: dict[str, str]
    branches: dict[str, str]
    limits: dict[str, str]
    boosts: list[dict[str, Any]]


def _as_dict(value: Any) -> dict[str, str]:
    return value if isinstance(value, dict) else {}  # cjson encodes an empty table as {}


def _evalsha_pipeline(calls: list[tuple[str, list[str], list[Any]]]) -> list[Any]:
    """Several scripts in one round trip: [(name, keys, args)] -> their replies. A script the
    server does not know (restarted) is loaded and run again, alone; Redis errors raise."""
    scripts = [Scripts.get(name) for name, _, _ in calls]
    pipe = client().pipeline(transaction=False)
    for script, (_, keys, args) in zip(scripts, calls, strict=True):
        pipe.evalsha(script.sha, len(keys), *keys, *args)
    replies = pipe.execute(raise_on_error=False)
    for index, reply in enumerate(replies):
        if isinstance(reply, redis.exceptions.NoScriptError):
            _, keys, args = calls[index]
            replies[index] = scripts[index](keys=keys, args=args)
        elif isinstance(reply, Exception):
            raise reply
    return replies


def draw_inputs(campaign_id: int, participant_id: int, day: str, rate_hit=None) -> DrawInputs:
    """One script call, one JSON reply: person hash, stock, today's releases, branch wins,
    issuer limits and odds boosts (fewer commands to pack and replies to parse than a
    pipeline). `rate_hit` (runtime.api.limits.RateHit, not yet sent): the request's rate
    limits are counted in the same round trip, and settled (429) before the state is used."""
    keys = draw_keys(campaign_id, participant_id, day) + [boosts_key(campaign_id, participant_id)]
    if rate_hit is None:
        state = Scripts.get("draw_state")(keys=keys)
    else:
        counts, state = _evalsha_pipeline(
            [("rate_hit", rate_hit.keys, rate_hit.args), ("draw_state", keys, [])]
        )
        rate_hit.settle(counts)
    person, stock, release, branches, limits, boosts = orjson.loads(state)
    return DrawInputs(
        _as_dict(person),
        _as_dict(stock),
        _as_dict(release),
        _as_dict(branches),
        _as_dict(limits),
        [json.loads(b) for b in boosts] if isinstance(boosts, list) else [],
    )


def add_chances(campaign_id: int, participant_id: int, kind: str, count: int) -> None:
    client().hincrby(person_key(campaign_id, participant_id), f"ch:{kind}", count)


def bump(campaign_id: int, participant_id: int, fields: dict[str, int]) -> None:
    pipe = client().pipeline(transaction=True)
    key = person_key(campaign_id, participant_id)
    for name, amount in fields.items():
        pipe.hincrby(key, name, amount)
    pipe.execute()


def chances_by_kind(person: dict[str, str]) -> dict[str, int]:
    return {k[3:]: int(v) for k, v in person.items() if k.startswith("ch:")}


def as_int(person: dict[str, str], field: str) -> int:
    return int(person.get(field) or 0)
