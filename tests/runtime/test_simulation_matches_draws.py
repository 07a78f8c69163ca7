"""The simulation and the live draw service share one model of a draw (rules.draws): for each
seed template, the same people making the same draws at the same times get prize shares that
agree within statistical tolerance, simulated (seeded PRNG) and drawn live (the real draw
service in-process: Redis scripts, SQL ledger, CSPRNG)."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC

import pytest
from sqlalchemy import func, select

from core.models import Draw
from rules import compile_bundle, load_bundle
from rules.people import plan_visits
from rules.simulate import run_plan
from rules.templates import around_today, load_template
from runtime import hotstate, loader
from runtime.auth import Principal
from runtime.draw import run_draw
from runtime.issuance import coupons
from runtime.issuer_limits import codes_added
from runtime.members import find_participant
from runtime.participation import join
from tests.runtime.conftest import publish

pytestmark = pytest.mark.slow

DRAWS = 1_200
Z = 4.5  # per prize, two-sided: about 7 in a million by chance alone

# Limits small enough to bind within DRAWS, so stock-outs, pools and budgets are compared too.
TIGHTEN = {
    "icbc_treasure_dig": {"pools": {"iphone-voucher-500": 300, "phone-credit-10": 90}},
    "decent_lottery": {"budget": 700, "pools": {"decent-phone-10": 40}},
    "qingdao_checkin": {"pools": {"qd-phone-20": 30}},
    "hengfeng_mgm": {},
    "pingan_vote_invite": {},
}


def campaign_bundle(name: str) -> dict:
    bundle = around_today(load_template(name))
    bundle["audience"]["whitelist"] = None  # simulated people are all invited; live ones too
    budget = TIGHTEN[name].get("budget")
    if budget:
        bundle["limits"]["budget"]["amount"] = budget
    return bundle


def simulated(bundle: dict, pools: dict[str, int], seed: int = 11):
    b = load_bundle(bundle)
    compiled = compile_bundle(b)
    plan = plan_visits(b, compiled, random.Random(seed), draws=DRAWS)
    report = run_plan(b, compiled, plan, random.Random(seed + 1), pools)
    return plan, report


def drawn_live(db, channel, bundle: dict, pools: dict[str, int], plan) -> Counter:
    campaign = publish(bundle)
    for pool, size in pools.items():
        coupons.upload_codes(db.session, pool, "\n".join(f"{pool}-{i}" for i in range(size)))
        db.session.commit()
        codes_added(db.session, pool, size)
    ref, live = loader.load(bundle["slug"])
    principals: dict[int, Principal] = {}
    needs: dict[int, Counter] = {}
    for event in plan.events:
        if event.action == "draw":
            needs.setdefault(event.person, Counter())[event.data["chance_kind"]] += 1
    for index, wanted in needs.items():
        principal = Principal(channel.id, channel.key, f"sim-{index}", plan.people[index])
        assert join(ref, live, principal)["joined"]
        participant = find_participant(principal)
        for kind, count in wanted.items():  # the chances the plan says they earned
            hotstate.add_chances(campaign.id, participant, kind, count)
        principals[index] = principal
    for event in plan.events:
        if event.action == "draw":
            answer = run_draw(
                ref,
                live,
                principals[event.person],
                event.data["chance_kind"],
                now=event.at.astimezone(UTC),
            )
            assert answer["draw_id"]
    db.session.expire_all()
    rows = db.session.execute(
        select(Draw.prize_key, func.count(Draw.id))
        .where(Draw.campaign_id == campaign.id)
        .group_by(Draw.prize_key)
    )
    return Counter({key: n for key, n in rows})


def disagreements(bundle: dict, sim: Counter, live: Counter, draws: int) -> list[str]:
    found = []
    for prize in [p["key"] for p in bundle["prizes"]]:
        a, b = sim[prize], live[prize]
        p = (a + b) / (2 * draws)
        bound = Z * math.sqrt(2 * draws * p * (1 - p)) + 2
        if abs(a - b) > bound:
            found.append(f"{prize}: simulated {a}, live {b} (|diff| > {bound:.1f})")
    return found


def draw_wins(report) -> Counter:
    return Counter({k: n - report.awarded.get(k, 0) for k, n in report.wins.items()})


@pytest.mark.parametrize("name", list(TIGHTEN))
def test_simulated_and_live_prize_shares_agree(name, app, db, channel):
    bundle = campaign_bundle(name)
    pools = TIGHTEN[name].get("pools", {})
    plan, report = simulated(bundle, pools)
    assert report.draws == plan.draws == DRAWS
    live = drawn_live(db, channel, bundle, pools, plan)
    assert sum(live.values()) == DRAWS
    sim = draw_wins(report)
    assert disagreements(bundle, sim, live, DRAWS) == [], (dict(sim), dict(live))


def test_the_comparison_catches_a_simulation_that_ignores_guarantees(app, db, channel):
    """The tolerance is tight enough to matter: a simulation without seed 001's first-three
    guarantee disagrees with the live draws on the consolation badge."""
    bundle = campaign_bundle("icbc_treasure_dig")
    pools = TIGHTEN["icbc_treasure_dig"]["pools"]
    plan, _ = simulated(bundle, pools)
    live = drawn_live(db, channel, bundle, pools, plan)
    careless = dict(bundle, odds={**bundle["odds"], "guaranteed_first": 0})
    b = load_bundle(careless)
    wrong = run_plan(b, compile_bundle(b), plan, random.Random(12), pools)
    problems = disagreements(bundle, draw_wins(wrong), live, DRAWS)
    assert any(p.startswith("epay_badge") for p in problems), problems
