"""Simulation: stock never oversold, cost from prize values, stock-out times."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from rules_factory import make_bundle

from rules import simulate
from rules.templates import load_template


def test_stock_runs_out_and_is_reported():
    b = make_bundle()
    b["prizes"][0].update(stock=5, weight=50, per_person_limit=None)
    report = simulate(b, participants=200, draws_per_participant=3, seed=3)
    assert report.wins["iphone"] == 5
    assert report.stock_left["iphone"] == 0
    out = report.stockouts["iphone"]
    assert 0 <= out["draw_index"] < report.draws and out["at"].startswith("2026-11")
    assert report.expected_cost == round(5 * 6999 + report.wins["points"] * 1.0, 2)


def test_budget_comparison():
    b = make_bundle(limits={"budget": {"amount": 10}})
    report = simulate(b, participants=100, draws_per_participant=1, seed=1)
    assert report.over_budget is (report.expected_cost > 10)
    assert report.budget == 10.0 and report.currency == "CNY"


def test_per_person_limit_respected():
    b = make_bundle()
    b["prizes"][0].update(stock=None, weight=1000)
    report = simulate(b, participants=50, draws_per_participant=10, seed=2)
    assert report.wins["iphone"] <= 50


def test_daily_release():
    b = make_bundle()
    b["prizes"][0].update(stock=None, daily_release=2, weight=1000, per_person_limit=None)
    report = simulate(b, participants=300, draws_per_participant=10, seed=4)
    assert report.wins["iphone"] <= 2 * 30


def test_behaviours_and_seed_reproducible():
    mix = [{"share": 0.75, "draws": 2}, {"share": 0.25, "draws": 10}]
    a = simulate(make_bundle(), participants=400, behaviours=mix, seed=9)
    b = simulate(make_bundle(), participants=400, behaviours=mix, seed=9)
    assert a.draws == 300 * 2 + 100 * 10
    assert a.to_dict() == b.to_dict()


def test_hundred_thousand_draws(record_property):
    started = time.perf_counter()
    report = simulate(
        load_template("icbc_treasure_dig"), participants=10_000, draws_per_participant=10, seed=1
    )
    record_property("seconds", time.perf_counter() - started)  # timing goes to docs, not asserts
    assert report.draws == 100_000 and report.no_prize == 0
    assert report.wins["car"] == 1 and report.stock_left["car"] == 0


def icbc():
    return load_template("icbc_treasure_dig")


def test_a_draws_target_is_met_exactly():
    report = simulate(icbc(), draws=5_000, seed=3)
    assert report.draws == 5_000  # not 4,999 (people x starting chances)
    assert sum(report.wins.values()) - sum(report.awarded.values()) + report.no_prize == 5_000


def test_people_use_the_chances_the_campaign_gives_them_so_consolation_shows():
    """Seed 001: the first three digs always win, later digs can give the badge. People who
    come back (daily silver shovel, shares) dig more than three times."""
    report = simulate(icbc(), draws=20_000, seed=4)
    assert 0.2 < report.share("epay_badge") < 0.6
    assert report.no_prize == 0
    first_three = simulate(icbc(), draws=20_000, seed=4, behaviours=[{"draws": 3}])
    assert first_three.wins["epay_badge"] == 0  # guaranteed digs never give the badge


def test_mgm_referrals_give_draws_and_the_five_friend_gift_box():
    report = simulate(load_template("hengfeng_mgm"), draws=3_000, seed=5)
    assert report.draws == 3_000
    assert report.awarded.get("mgm_gift", 0) > 0 and report.share("mgm_gift") == 0
    assert report.wins["points50"] > 0.3 * report.draws  # after each person's first draw


def test_a_red_packet_budget_caps_the_money_and_is_reported():
    b = make_bundle(limits={"budget": {"amount": 20}})
    b["prizes"][1]["reward"] = {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 1.5}
    b["prizes"][1]["weight"] = 90
    report = simulate(b, participants=100, draws_per_participant=3, seed=6)
    assert report.expected_cost <= 20 + 6999 * report.wins["iphone"]
    assert report.limits_left["budget"] < 50 and "budget" in report.limit_outs
    assert report.wins["thanks"] > 0


def test_coupon_pools_limit_coupon_wins():
    b = make_bundle()
    b["prizes"][1]["reward"] = {"kind": "coupon_code", "pool": "p"}
    report = simulate(b, participants=100, draws_per_participant=3, pools={"p": 7}, seed=7)
    assert report.wins["points"] == 7 and report.limits_left == {"pool:p": 0}


def test_daily_release_counts_local_days_like_the_runtime():
    b = make_bundle()
    b["schedule"]["starts_at"] = "2026-11-01T12:00:00"  # the first local day is half a day
    b["prizes"][0].update(stock=None, daily_release=1, weight=1000, per_person_limit=None)
    report = simulate(b, participants=400, draws_per_participant=3, seed=8)
    days = {
        (datetime.fromisoformat(b["schedule"]["starts_at"]) + timedelta(days=n)).date()
        for n in range(31)
    }
    assert report.wins["iphone"] <= len(days)
