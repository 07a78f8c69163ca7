"""draw.lua decides like rules.draws.admit: generated states of stock, daily releases, issuer
limits and person limits, run through the real script on a real Redis and through the model."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.draws import admit
from rules.odds import OddsEntry, OddsTable
from runtime import hotstate

CAMPAIGN, PERSON, DAY = 987_654, 1, "2026-11-04"
REAL = ("a", "b", "c", "d")
COUNTERS = ("budget", "pool:x")

prize_state = st.fixed_dictionaries(
    {
        "weight": st.sampled_from([0.0, 0.5, 1.0, 3.0]),
        "stock": st.one_of(st.none(), st.integers(0, 2)),
        "daily": st.one_of(st.none(), st.integers(1, 2)),
        "released": st.integers(0, 2),
        "cost": st.one_of(
            st.none(),
            st.tuples(st.sampled_from(COUNTERS), st.integers(1, 3), st.integers(1, 3)),
        ),
        "per_person": st.one_of(st.none(), st.just(1)),
        "won_before": st.integers(0, 1),
    }
)
cases = st.fixed_dictionaries(
    {
        "prizes": st.lists(prize_state, min_size=4, max_size=4),
        "counters": st.fixed_dictionaries({c: st.integers(0, 4) for c in COUNTERS}),
        "guaranteed": st.booleans(),
        "candidate": st.sampled_from(REAL + ("f",)),
        "with_fallback": st.booleans(),
        "branch_quota_reached": st.booleans(),
        "rand2": st.floats(0, 1, exclude_max=True),
    }
)


def spec_of(key: str, p: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"key": key, "limited": p["stock"] is not None, "win": key != "f"}
    if p["daily"] is not None:
        spec["daily"] = p["daily"]
    if p["per_person"] is not None:
        spec["per_person"] = p["per_person"]
    if p["cost"] is not None:
        counter, amount, low = p["cost"]
        spec["costs"] = [[counter, max(amount, low), low]]
    return spec


def refusal(case: dict[str, Any]):
    """The refusal checks of draw.lua, read off the generated state."""
    states = dict(zip(REAL, case["prizes"], strict=True))

    def refuse(key: str) -> str | None:
        if key == "f":
            return None
        p = states[key]
        if p["stock"] is not None and p["stock"] < 1:
            return "stock"
        if p["daily"] is not None and p["released"] >= p["daily"]:
            return "daily_release"
        if p["cost"] is not None and case["counters"][p["cost"][0]] < p["cost"][2]:
            return "limit:" + p["cost"][0]
        if p["per_person"] is not None and p["won_before"] >= p["per_person"]:
            return "per_person_limit"
        if case["branch_quota_reached"]:
            return "branch_quota"
        return None

    return refuse


def load_state(redis, case: dict[str, Any]) -> None:
    for key in redis.scan_iter(f"{hotstate.prefix(CAMPAIGN)}:*"):
        redis.delete(key)
    person = hotstate.person_key(CAMPAIGN, PERSON)
    redis.hset(person, "ch:gold", 1)
    redis.hset(hotstate.branch_key(CAMPAIGN), "BR", 1 if case["branch_quota_reached"] else 0)
    redis.hset(hotstate.limits_key(CAMPAIGN), mapping=case["counters"])
    for key, p in zip(REAL, case["prizes"], strict=True):
        if p["stock"] is not None:
            redis.hset(hotstate.stock_key(CAMPAIGN), key, p["stock"])
        redis.hset(hotstate.release_key(CAMPAIGN, DAY), key, p["released"])
        redis.hset(person, f"wp:{key}", p["won_before"])


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=cases)
def test_draw_lua_admits_as_the_shared_model(redis, case):
    load_state(redis, case)
    states = dict(zip(REAL, case["prizes"], strict=True))
    fallback = {
        "weight": 1.0,
        "stock": None,
        "daily": None,
        "released": 0,
        "cost": None,
        "per_person": None,
        "won_before": 0,
    }
    entries = [OddsEntry(k, p["weight"], p["weight"], []) for k, p in states.items()]
    table = OddsTable(entries, "f" if case["with_fallback"] else None, case["guaranteed"])
    if case["guaranteed"]:
        table.alternatives = [(k, p["weight"]) for k, p in states.items() if p["weight"] > 0]
    candidate = case["candidate"]
    if candidate == "f" and not case["with_fallback"]:
        candidate = "a"
    expected = admit(table, candidate, refusal(case), case["rand2"])

    spec: dict[str, Any] = {"kind": "gold", "day": DAY, "branch": "BR", "branch_quota": 1}
    spec["candidate"] = spec_of(candidate, states.get(candidate, fallback))
    if case["with_fallback"]:
        spec["fallback"] = spec_of("f", fallback)
    if case["guaranteed"]:
        spec["alts"] = [
            {**spec_of(k, states[k]), "w": w} for k, w in table.alternatives if k != candidate
        ]
        spec["rand2"] = case["rand2"]
    found = hotstate.admit_draw(CAMPAIGN, PERSON, spec)

    assert found.status == "ok"
    assert found.prize == expected.prize
    assert found.refused_reason == expected.refused_reason
    if found.prize in states and states[found.prize]["cost"] is not None:
        counter, amount, low = states[found.prize]["cost"]
        left = case["counters"][counter]
        assert found.taken == {counter: min(max(amount, low), left)}
        assert int(redis.hget(hotstate.limits_key(CAMPAIGN), counter)) == left - min(
            max(amount, low), left
        )
    else:
        assert found.taken == {}
