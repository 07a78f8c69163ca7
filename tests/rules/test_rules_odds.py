"""Odds tables and pick(): stock, fallback, guarantees, boosts, caps, chance kinds."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime

import pytest
from rules_factory import make_bundle

from rules import PersonState, compile_bundle
from rules.odds import OddsTable, pick

# chi-square critical values at p = 0.001 by degrees of freedom
CHI2_CRIT = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52}
NOT_FRIDAY_EVENING = datetime(2026, 11, 4, 4, 0, tzinfo=UTC)  # Wed 12:00 Shanghai
FRIDAY_EVENING = datetime(2026, 11, 6, 12, 30, tzinfo=UTC)  # Fri 20:30 Shanghai
FULL = {"iphone": 10, "points": None, "thanks": None}


def campaign(**changes):
    return compile_bundle(make_bundle(**changes))


def weights(table: OddsTable) -> dict[str, float]:
    return {e.prize: e.weight for e in table.entries}


def chi_square(table: OddsTable, n: int, seed: int) -> tuple[float, int]:
    rng = random.Random(seed)
    counts = Counter(pick(table, rng.random()) for _ in range(n))
    probs = {k: p for k, p in table.probabilities().items() if p > 0}
    stat = sum((counts[k] - n * p) ** 2 / (n * p) for k, p in probs.items())
    assert set(counts) <= set(probs)
    return stat, len(probs) - 1


def test_base_weights():
    t = campaign().odds_table(NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold")
    assert weights(t) == {"iphone": 1, "points": 50, "thanks": 49}
    assert t.total == 100


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_distribution_matches_weights(seed):
    t = campaign().odds_table(FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold")
    stat, dof = chi_square(t, 30_000, seed)
    assert stat < CHI2_CRIT[dof]


def test_chi_square_detects_a_wrong_distribution():
    t = campaign().odds_table(NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold")
    skewed = OddsTable([e for e in t.entries], t.fallback)
    skewed.entries[1].weight = 60  # pick from 1:60:49 but judge against 1:50:49
    rng = random.Random(5)
    counts = Counter(pick(skewed, rng.random()) for _ in range(30_000))
    probs = t.probabilities()
    stat = sum((counts[k] - 30_000 * p) ** 2 / (30_000 * p) for k, p in probs.items())
    assert stat > CHI2_CRIT[2]


def test_pick_walks_cumulative_weights():
    t = campaign().odds_table(NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold")
    assert pick(t, 0.0) == "iphone"
    assert pick(t, 0.0099) == "iphone"
    assert pick(t, 0.01) == "points"
    assert pick(t, 0.5099) == "points"
    assert pick(t, 0.51) == "thanks"
    assert pick(t, 0.999999) == "thanks"
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError):
            pick(t, bad)


def test_window_boost_applies_only_in_window():
    c = campaign()
    assert (
        weights(c.odds_table(FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold"))["iphone"]
        == 3
    )
    assert (
        weights(c.odds_table(NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold"))[
            "iphone"
        ]
        == 1
    )


def test_action_boosts_multiply_and_expire():
    c = campaign()
    boosts = [
        {"prizes": ["points"], "factor": 2},
        {"prizes": ["points"], "factor": 1.5, "until": "2026-11-06T20:00:00+08:00"},
    ]
    before = c.odds_table(datetime(2026, 11, 6, 11, 0, tzinfo=UTC), PersonState(), FULL, boosts)
    after = c.odds_table(datetime(2026, 11, 6, 13, 0, tzinfo=UTC), PersonState(), FULL, boosts)
    assert weights(before)["points"] == 150 and weights(after)["points"] == 100


@pytest.mark.parametrize("policy, thanks", [("fallback", 50), ("remove", 49)])
def test_exhausted_stock(policy, thanks):
    b = make_bundle()
    b["odds"]["exhausted"] = policy
    t = compile_bundle(b).odds_table(
        NOT_FRIDAY_EVENING, PersonState(), {**FULL, "iphone": 0}, [], chance_kind="gold"
    )
    assert weights(t) == {"iphone": 0, "points": 50, "thanks": thanks}
    assert "exhausted" in t.entries[0].notes


def test_missing_stock_key_means_configured_stock():
    t = campaign().odds_table(NOT_FRIDAY_EVENING, PersonState(), {}, [], chance_kind="gold")
    assert weights(t)["iphone"] == 1


def test_per_person_limit_and_wins_total_cap():
    b = make_bundle(limits={"per_person": {"wins_total": 2}})
    c = compile_bundle(b)
    t = c.odds_table(
        NOT_FRIDAY_EVENING,
        PersonState(wins_by_prize={"iphone": 1}, wins_total=1),
        FULL,
        [],
        chance_kind="gold",
    )
    assert weights(t) == {"iphone": 0, "points": 50, "thanks": 50}
    t = c.odds_table(NOT_FRIDAY_EVENING, PersonState(wins_total=2), FULL, [], chance_kind="gold")
    assert weights(t) == {"iphone": 0, "points": 0, "thanks": 100}


def test_branch_quota_reached_leaves_only_fallback():
    t = campaign().odds_table(
        NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold", branch_quota_left=0
    )
    assert weights(t) == {"iphone": 0, "points": 0, "thanks": 100}


def test_chance_kind_restriction_is_not_moved_to_fallback():
    t = campaign().odds_table(NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="silver")
    assert weights(t) == {"iphone": 0, "points": 50, "thanks": 49}


def test_guaranteed_first_draws_never_hit_fallback():
    b = make_bundle()
    b["odds"]["guaranteed_first"] = 3
    c = compile_bundle(b)
    t = c.odds_table(NOT_FRIDAY_EVENING, PersonState(draws_total=2), FULL, [], chance_kind="gold")
    assert t.guaranteed and weights(t)["thanks"] == 0
    assert all(pick(t, r / 1000) != "thanks" for r in range(1000))
    t = c.odds_table(NOT_FRIDAY_EVENING, PersonState(draws_total=3), FULL, [], chance_kind="gold")
    assert not t.guaranteed and weights(t)["thanks"] == 49


def test_guarantee_falls_back_when_nothing_else_is_available():
    b = make_bundle()
    b["odds"]["guaranteed_first"] = 3
    t = compile_bundle(b).odds_table(
        NOT_FRIDAY_EVENING, PersonState(), {"iphone": 0}, [], chance_kind="silver"
    )
    assert weights(t)["thanks"] == 0 and pick(t, 0.9) == "points"
    t = compile_bundle(b).odds_table(
        NOT_FRIDAY_EVENING,
        PersonState(wins_total=0),
        {"iphone": 0},
        [],
        chance_kind="silver",
        branch_quota_left=0,
    )
    assert not t.guaranteed and pick(t, 0.5) == "thanks"


def test_guarantee_win_of_one_prize():
    t = campaign().odds_table(
        NOT_FRIDAY_EVENING, PersonState(), FULL, [], chance_kind="gold", guarantee="iphone"
    )
    assert weights(t) == {"iphone": 1, "points": 0, "thanks": 0}


def test_nothing_to_win_without_fallback():
    b = make_bundle()
    b["prizes"] = b["prizes"][:1]
    b["chances"]["kinds"] = b["chances"]["kinds"][:1]
    b["rules"] = []
    b["odds"]["exhausted"] = "remove"
    t = compile_bundle(b).odds_table(NOT_FRIDAY_EVENING, PersonState(), {"iphone": 0}, [])
    assert pick(t, 0.3) is None


def test_table_is_json_evidence():
    t = campaign().odds_table(
        FRIDAY_EVENING, PersonState(), {**FULL, "iphone": 0}, [], chance_kind="gold"
    )
    data = json.loads(json.dumps(t.to_dict()))
    assert data["total"] == 100 and data["fallback"] == "thanks"
    assert data["entries"][0]["notes"] == ["exhausted"]
