"""The shared draw model: what is left to give, issuer limits as stock, guaranteed admission."""

from __future__ import annotations

from datetime import UTC, datetime

from rules_factory import make_bundle

from rules import PersonState, compile_bundle
from rules.draws import (
    BUDGET,
    Cost,
    Supply,
    admit,
    choose,
    limit_counters,
    pool_counter,
    reward_costs,
    units_left,
)
from rules.odds import OddsEntry, OddsTable

WEDNESDAY = datetime(2026, 11, 4, 4, 0, tzinfo=UTC)
PACKET = {
    "key": "packet",
    "weight": 10,
    "stock": None,
    "daily_release": None,
    "value": 1.0,
    "name": "红包",
    "reward": {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 2.0},
}
COUPON = {
    "key": "coupon",
    "weight": 10,
    "stock": 100,
    "daily_release": 5,
    "value": 10.0,
    "name": "券",
    "reward": {"kind": "coupon_code", "pool": "p10"},
}


def test_reward_costs_by_kind():
    assert reward_costs({"kind": "red_packet", "mode": "fixed", "amount": 1.88}) == (
        Cost(BUDGET, 188, 188),
    )
    assert reward_costs(PACKET["reward"]) == (Cost(BUDGET, 50, 50),)
    assert reward_costs(PACKET["reward"], 0.0) == (Cost(BUDGET, 50, 50),)
    assert reward_costs(PACKET["reward"], 0.999999) == (Cost(BUDGET, 200, 50),)
    assert reward_costs(COUPON["reward"]) == (Cost(pool_counter("p10"), 1, 1),)
    assert reward_costs({"kind": "points", "amount": 100}) == ()
    assert limit_counters([PACKET, COUPON, PACKET]) == [BUDGET, "pool:p10"]


def test_units_left_is_the_lowest_of_stock_release_and_issuer_limits():
    prizes = [
        PACKET,
        COUPON,
        {
            "key": "pts",
            "stock": None,
            "daily_release": None,
            "reward": {"kind": "points", "amount": 5},
        },
    ]
    supply = Supply(
        stock={"coupon": "40"}, released={"coupon": "2"}, counters={BUDGET: "149", "pool:p10": "7"}
    )
    assert units_left(prizes, supply) == {"packet": 2, "coupon": 3, "pts": None}
    supply = Supply(stock={"coupon": "40"}, released={}, counters={"pool:p10": "2"})
    assert units_left(prizes, supply) == {"packet": 0, "coupon": 2, "pts": None}


def test_a_spent_budget_takes_red_packets_out_of_the_odds():
    bundle = make_bundle(
        prizes=[
            PACKET,
            {
                "key": "thanks",
                "name": "谢谢",
                "weight": 10,
                "fallback": True,
                "reward": {"kind": "none"},
            },
        ],
        chances={"kinds": [{"key": "gold", "name": "金"}], "default_kind": "gold"},
        odds={"exhausted": "fallback", "guaranteed_first": 0, "boosts": []},
        rules=[],
    )
    odds = compile_bundle(bundle).odds
    spent = choose(odds, WEDNESDAY, PersonState(), Supply(counters={BUDGET: 49}), 0.01)
    assert spent.candidate == "thanks" and "exhausted" in spent.table.entries[0].notes
    funded = choose(odds, WEDNESDAY, PersonState(), Supply(counters={BUDGET: 50}), 0.01)
    assert funded.candidate == "packet"


def table(guaranteed: bool) -> OddsTable:
    entries = [
        OddsEntry("a", 1, 1, []),
        OddsEntry("b", 3, 3, []),
        OddsEntry("c", 0, 2, []),
        OddsEntry("f", 0, 5, []),
    ]
    found = OddsTable(entries, "f", guaranteed)
    found.alternatives = [("a", 1.0), ("b", 3.0)] if guaranteed else []
    return found


def test_admit_gives_the_candidate_when_it_is_still_there():
    assert admit(table(True), "a", lambda p: None, 0.5).prize == "a"


def test_a_guaranteed_draw_whose_candidate_is_gone_takes_another_real_prize():
    gone = {"a"}
    found = admit(table(True), "a", lambda p: "stock" if p in gone else None, 0.99)
    assert found.prize == "b" and found.refused_reason == "stock"


def test_a_guaranteed_draw_falls_back_only_when_no_real_prize_is_left():
    gone = {"a", "b"}
    found = admit(table(True), "a", lambda p: "stock" if p in gone else None, 0.1)
    assert found.prize == "f"
    found = admit(table(True), "a", lambda p: "stock", 0.1)
    assert found.prize is None and found.refused_reason == "stock"


def test_an_ordinary_draw_whose_candidate_is_gone_gets_the_fallback():
    found = admit(table(False), "a", lambda p: "stock" if p == "a" else None, 0.99)
    assert found.prize == "f"


def test_replacement_is_weighted_like_pick():
    three = table(True)
    three.alternatives = [("a", 1.0), ("b", 3.0), ("c", 6.0)]

    def refuse(prize: str) -> str | None:
        return "stock" if prize == "a" else None

    assert admit(three, "a", refuse, 0.0).prize == "b"
    assert admit(three, "a", refuse, 0.333).prize == "b"
    assert admit(three, "a", refuse, 0.334).prize == "c"


def test_guaranteed_tables_carry_their_alternatives():
    b = make_bundle()
    b["odds"]["guaranteed_first"] = 3
    t = compile_bundle(b).odds_table(
        WEDNESDAY, PersonState(), {"iphone": 10}, [], chance_kind="gold"
    )
    assert t.guaranteed and t.alternatives == [("iphone", 1.0), ("points", 50.0)]
    assert t.to_dict()["alternatives"] == [["iphone", 1.0], ["points", 50.0]]
    t = compile_bundle(b).odds_table(
        WEDNESDAY, PersonState(draws_total=3), {"iphone": 10}, [], chance_kind="gold"
    )
    assert not t.guaranteed and t.alternatives == [] and "alternatives" not in t.to_dict()
