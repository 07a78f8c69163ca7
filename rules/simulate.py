"""Monte-Carlo simulation of a campaign: prize distribution, cost against budget and when each
prize's stock (or an issuer limit) runs out.

People and what they do come from `rules.people` (the chances the campaign gives them, or a
fixed number of draws); every draw runs the runtime's own model, `rules.draws` (what is left
to give, the odds table with guarantees, fallback, daily releases by local day, window and
action boosts, issuer limits, and the admission), with a seeded PRNG instead of the CSPRNG.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .audience import CHOOSABLE
from .draws import BUDGET, Price, Supply, admit, choose, limit_counters, pool_counter
from .odds import PersonState
from .people import Behaviour, Plan, plan_visits
from .validate import load_bundle
from .visits import Campaign, Event, Person

UNLIMITED_POOL = 1 << 40  # a coupon pool the caller did not size: assumed to cover its prizes


@dataclass
class SimulationReport:
    """What a marketer needs before publishing: who wins what, what it costs, when stock ends."""

    participants: int
    draws: int
    wins: dict[str, int]  # prizes given, by draws and by rules (issue_prize)
    no_prize: int
    expected_cost: float
    budget: float | None
    currency: str
    over_budget: bool
    stock_left: dict[str, int | None]
    stockouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    awarded: dict[str, int] = field(default_factory=dict)  # of `wins`, given by rules
    refused: int = 0  # people the audience or a join rule refused
    denied_draws: int = 0  # draws a draw rule denied (not counted in `draws`)
    limits_left: dict[str, int] = field(default_factory=dict)  # issuer limits at the end
    limit_outs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # one entry per local day of the campaign: draws, prizes given, cost (that day and so far)
    # and the stock left at the end of the day, for the studio's charts and the CSV
    days: list[dict[str, Any]] = field(default_factory=list)

    def share(self, prize: str) -> float:
        """The prize's share of draws (prizes given by rules are not draws)."""
        won = self.wins.get(prize, 0) - self.awarded.get(prize, 0)
        return won / self.draws if self.draws else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _World:
    """The shared state of a simulated campaign: stock, daily releases, issuer limits."""

    def __init__(
        self,
        bundle: dict[str, Any],
        campaign: Campaign,
        pools: Mapping[str, int],
        rng: random.Random,
    ) -> None:
        self.bundle, self.campaign, self.rng = bundle, campaign, rng
        self.prizes = {p["key"]: p for p in bundle["prizes"]}
        self.prices = {k: Price(p["reward"]) for k, p in self.prizes.items()}
        self.stock = {k: p["stock"] for k, p in self.prizes.items() if p["stock"] is not None}
        self.released: dict[str, Counter[str]] = {}  # local day -> prize -> given that day
        budget = bundle["limits"]["budget"]
        self.counters: dict[str, int] = {}
        for counter in limit_counters(bundle["prizes"]):
            if counter == BUDGET:
                self.counters[counter] = int(round(float(budget["amount"]) * 100)) if budget else 0
            else:
                pool = counter[len(pool_counter("")) :]
                self.counters[counter] = int(pools.get(pool, UNLIMITED_POOL))
        self.lowest: dict[str, int] = {}  # counter -> the least any prize needs of it
        for price in self.prices.values():
            if price.counter is not None:
                self.lowest[price.counter] = min(
                    price.low, self.lowest.get(price.counter, price.low)
                )
        self.wins: Counter[str] = Counter()
        self.awarded: Counter[str] = Counter()
        self.cost = 0.0
        self.stockouts: dict[str, dict[str, Any]] = {}
        self.limit_outs: dict[str, dict[str, Any]] = {}
        self.draws = 0
        self.by_day: dict[str, dict[str, Any]] = {}  # local day -> draws, cost, wins by prize

    def on_day(self, day: str) -> dict[str, Any]:
        found = self.by_day.get(day)
        if found is None:
            found = self.by_day[day] = {"draws": 0, "cost": 0.0, "wins": Counter()}
        return found

    def released_on(self, day: str) -> Counter[str]:
        found = self.released.get(day)
        if found is None:
            found = self.released[day] = Counter()
        return found

    def supply(self, day: str) -> Supply:
        return Supply(self.stock, self.released_on(day), self.counters)

    def refusal(self, person: Person, day: str):
        """draw.lua's refusal checks against this state."""
        limits, released = self.campaign.limits, self.released_on(day)

        def refuse(key: str) -> str | None:
            prize, price = self.prizes[key], self.prices[key]
            if prize["stock"] is not None and self.stock[key] < 1:
                return "stock"
            daily = prize["daily_release"]
            if daily is not None and released[key] >= daily:
                return "daily_release"
            if price.counter is not None and self.counters.get(price.counter, 0) < price.low:
                return "limit:" + price.counter
            if prize["fallback"]:
                return None
            limit = prize["per_person_limit"]
            if limit is not None and person.wins_by_prize[key] >= limit:
                return "per_person_limit"
            if limits["wins_total"] is not None and person.wins[""] >= limits["wins_total"]:
                return "person_wins_total"
            if limits["wins_per_day"] is not None and person.wins[day] >= limits["wins_per_day"]:
                return "person_wins_per_day"
            return None

        return refuse

    def take(self, key: str, day: str, now: datetime, rand: float) -> None:
        """Give one unit of a prize: stock, today's release and its issuer limits."""
        prize = self.prizes[key]
        if prize["stock"] is not None:
            self.stock[key] -= 1
            if self.stock[key] == 0:
                self.stockouts[key] = {"draw_index": self.draws, "at": _iso(now)}
        if prize["daily_release"] is not None:
            self.released_on(day)[key] += 1
        value = float(prize["value"])
        for cost in self.prices[key].costs(rand):
            taken = min(cost.amount, self.counters[cost.counter])
            self.counters[cost.counter] -= taken
            if cost.counter == BUDGET:
                value = taken / 100  # a red packet costs what it pays
            if self.counters[cost.counter] < self.lowest[cost.counter]:
                self.limit_outs.setdefault(
                    cost.counter, {"draw_index": self.draws, "at": _iso(now)}
                )
        self.cost += value
        self.wins[key] += 1
        today = self.on_day(day)
        today["cost"] += value
        today["wins"][key] += 1

    def issue_prize(self, person: Person, key: str, now: datetime) -> None:
        """The issue_prize action: the prize if its stock, release and limits allow."""
        day = self.campaign.day(now)
        prize = self.prizes.get(key)
        if (
            prize is None
            or self.refusal(person, day)(key) in ("stock", "daily_release")
            or (self._limits_short(prize))
        ):
            return
        self.take(key, day, now, self.rng.random())
        self.awarded[key] += 1

    def _limits_short(self, prize: dict[str, Any]) -> bool:
        price = self.prices[prize["key"]]
        return price.counter is not None and self.counters.get(price.counter, 0) < price.low


def _draw(world: _World, person: Person, event: Event, rng: random.Random, report) -> None:
    campaign = world.campaign
    now, day = event.at, event.day or campaign.day(event.at)
    kind = event.data.get("chance_kind")
    if not campaign.run(person, "draw", now, world, {}, day):
        report["denied"] += 1
        return
    state = PersonState(person.draws[""], person.wins[""], person.wins_by_prize, person.wins[day])
    boosts = [b for b in person.boosts if b["until"] > now]
    choice = choose(
        campaign.compiled.odds,
        now,
        state,
        world.supply(day),
        rng.random(),
        boosts,
        chance_kind=kind,
        guarantee=person.guarantee,
    )
    rand2 = rng.random() if choice.table.guaranteed else 0.0
    admitted = admit(choice.table, choice.candidate, world.refusal(person, day), rand2).prize
    if person.chances[kind] > 0:
        person.chances[kind] -= 1
    person.draws[""] += 1
    person.draws[day] += 1
    world.draws += 1
    world.on_day(day)["draws"] += 1
    if admitted is None:
        report["no_prize"] += 1
        return
    world.take(admitted, day, now, rng.random())
    if not world.prizes[admitted]["fallback"]:
        person.wins[""] += 1
        person.wins[day] += 1
        person.wins_by_prize[admitted] += 1
        if person.guarantee == admitted:
            person.guarantee = None


def run_plan(
    bundle: dict[str, Any],
    compiled: Any,
    plan: Plan,
    rng: random.Random,
    pools: Mapping[str, int] | None = None,
) -> SimulationReport:
    """Run a plan's events in time order against one shared state."""
    campaign = Campaign(bundle, compiled)
    world = _World(bundle, campaign, pools or {}, rng)
    people: dict[int, Person] = {}
    counts: Counter[str] = Counter()
    for event in plan.events:
        attrs = plan.people[event.person]
        if attrs is None:
            continue
        if event.action == "join":
            person = Person({k: v for k, v in attrs.items() if k in CHOOSABLE})
            if campaign.join(person, event.at, world):
                people[event.person] = person
            continue
        person = people.get(event.person)
        if person is None:
            continue
        campaign.daily_grants(person, event.at, event.day)
        if event.action == "draw":
            _draw(world, person, event, rng, counts)
        else:
            campaign.act(person, event, world)
    return _report(bundle, plan, people, world, counts)


def simulate(
    bundle: dict[str, Any],
    participants: int | None = None,
    draws_per_participant: int | None = None,
    behaviours: Sequence[Behaviour | Mapping[str, Any]] | None = None,
    seed: int = 0,
    *,
    draws: int | None = None,
    pools: Mapping[str, int] | None = None,
    plan: Plan | None = None,
) -> SimulationReport:
    """Simulate a campaign: exactly `draws` draws (people are added until they make them), or
    `participants` people, or a given `plan`.

    People follow `behaviours` (rules.people.Behaviour or dicts like {"share": 0.8, "days": 3,
    "shares_per_day": 1}; {"share": 0.8, "draws": 3} fixes their draws) or, by default, the
    mix rules.people.DEFAULT_MIX, using the chances the campaign gives them.
    `draws_per_participant` makes everyone draw that many times instead. `pools` gives the
    codes of coupon pools (unsized pools are taken to cover their prizes).
    """
    b = load_bundle(bundle)
    from .compile import CompiledCampaign

    compiled = CompiledCampaign(b)
    rng = random.Random(seed)
    if plan is None:
        if draws_per_participant is not None:
            behaviours = [Behaviour(draws=draws_per_participant)]
        if participants is None and draws is None:
            participants = 1000
        plan = plan_visits(
            b, compiled, rng, participants=participants, draws=draws, behaviours=behaviours
        )
    return run_plan(b, compiled, plan, rng, pools)


def _iso(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _report(
    b: dict[str, Any], plan: Plan, people: dict[int, Person], world: _World, counts: Counter
) -> SimulationReport:
    budget = b["limits"]["budget"]
    amount = float(budget["amount"]) if budget else None
    cost = round(world.cost, 2)
    stock_left: dict[str, int | None] = {p["key"]: world.stock.get(p["key"]) for p in b["prizes"]}
    return SimulationReport(
        participants=len(people) + plan.inert,
        draws=world.draws,
        wins={p["key"]: world.wins.get(p["key"], 0) for p in b["prizes"]},
        no_prize=counts["no_prize"],
        expected_cost=cost,
        budget=amount,
        currency=budget["currency"] if budget else "CNY",
        over_budget=amount is not None and cost > amount,
        stock_left=stock_left,
        stockouts=world.stockouts,
        awarded={k: n for k, n in world.awarded.items() if n},
        refused=sum(1 for attrs in plan.people if attrs is None),
        denied_draws=counts["denied"],
        limits_left={k: v for k, v in world.counters.items() if v < UNLIMITED_POOL // 2},
        limit_outs=world.limit_outs,
        days=_days(b, world),
    )


def _days(b: dict[str, Any], world: _World) -> list[dict[str, Any]]:
    """Every local day from the campaign's start to its end, with what happened that day."""
    from datetime import timedelta

    from .windows import campaign_bounds, zone

    tz = zone(b["schedule"]["timezone"])
    start, end = campaign_bounds(b["schedule"])
    first, last = start.astimezone(tz).date(), (end - timedelta(seconds=1)).astimezone(tz).date()
    stock = {p["key"]: p["stock"] for p in b["prizes"] if p["stock"] is not None}
    days, total, day = [], 0.0, first
    while day <= last:
        key = day.isoformat()
        seen = world.by_day.get(key) or {"draws": 0, "cost": 0.0, "wins": Counter()}
        total += seen["cost"]
        for prize in stock:
            stock[prize] -= seen["wins"][prize]
        days.append(
            {
                "date": key,
                "draws": seen["draws"],
                "wins": dict(seen["wins"]),
                "cost": round(seen["cost"], 2),
                "cumulative_cost": round(total, 2),
                "stock": dict(stock),
            }
        )
        day += timedelta(days=1)
    return days
