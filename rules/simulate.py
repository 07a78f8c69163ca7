"""Monte-Carlo simulation of a campaign's draws: prize distribution, cost against budget and
when each prize's stock runs out. Uses the same OddsModel and pick() as the runtime."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .odds import OddsModel, PersonState, pick
from .validate import load_bundle
from .windows import campaign_bounds


@dataclass
class SimulationReport:
    """What a marketer needs before publishing: who wins what, what it costs, when stock ends."""

    participants: int
    draws: int
    wins: dict[str, int]
    no_prize: int
    expected_cost: float
    budget: float | None
    currency: str
    over_budget: bool
    stock_left: dict[str, int | None]
    stockouts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def share(self, prize: str) -> float:
        return self.wins.get(prize, 0) / self.draws if self.draws else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _draw_plan(participants: int, draws_per_participant: int,
               behaviours: list[dict[str, Any]] | None, rng: random.Random) -> list[int]:
    """The participant index of every draw, shuffled into a plausible interleaving."""
    counts: list[int] = []
    if behaviours:
        total_share = sum(float(b["share"]) for b in behaviours)
        for b in behaviours:
            n = round(participants * float(b["share"]) / total_share)
            counts += [int(b["draws"])] * n
        counts = (counts + [draws_per_participant] * participants)[:participants]
    else:
        counts = [draws_per_participant] * participants
    plan = [i for i, n in enumerate(counts) for _ in range(n)]
    rng.shuffle(plan)
    return plan


def simulate(bundle: dict[str, Any], participants: int = 1000,
             draws_per_participant: int | None = None,
             behaviours: list[dict[str, Any]] | None = None, seed: int = 0) -> SimulationReport:
    """Simulate draws spread evenly over the campaign period.

    `behaviours` is an optional mix like [{"share": 0.8, "draws": 3}, {"share": 0.2, "draws": 30}]
    (fraction of participants, draws each); otherwise everyone makes `draws_per_participant`
    draws (default: the chances they start with, at least 1). Stock, daily release, per-person
    limits, guaranteed first draws, window boosts and the exhausted policy all apply.
    """
    b = load_bundle(bundle)
    model = OddsModel(b)
    rng = random.Random(seed)
    if draws_per_participant is None:
        draws_per_participant = max(1, sum(k["initial"] for k in b["chances"]["kinds"]))
    plan = _draw_plan(participants, draws_per_participant, behaviours, rng)
    start, end = campaign_bounds(b["schedule"])
    step = (end - start) / max(len(plan), 1)
    step_days = step / timedelta(days=1)
    kind = b["chances"]["default_kind"]
    prizes = {p["key"]: p for p in b["prizes"]}
    stock: dict[str, int | None] = {k: p["stock"] for k, p in prizes.items()}
    released: Counter[tuple[str, Any]] = Counter()
    people: dict[int, dict[str, Any]] = {}
    wins: Counter[str] = Counter()
    stockouts: dict[str, dict[str, Any]] = {}
    no_prize = 0
    available = _available(prizes, stock, released, 0)
    last_day = 0
    for index, who in enumerate(plan):
        now = start + step * index
        day = int(index * step_days)
        if day != last_day:
            available, last_day = _available(prizes, stock, released, day), day
        st = people.get(who)
        if st is None:
            st = people[who] = [0, 0, Counter(), -1, 0]  # draws, wins, by prize, day, wins today
        if st[3] != day:
            st[3], st[4] = day, 0
        person = PersonState(st[0], st[1], st[2], st[4])
        won = pick(model.table(now, person, available, chance_kind=kind), rng.random())
        st[0] += 1
        if won is None:
            no_prize += 1
            continue
        wins[won] += 1
        if not prizes[won]["fallback"]:
            st[1] += 1
            st[4] += 1
            st[2][won] += 1
        if stock[won] is not None or prizes[won]["daily_release"] is not None:
            released[(won, day)] += 1
            if stock[won] is not None:
                stock[won] -= 1
                if stock[won] == 0:
                    stockouts[won] = {"draw_index": index, "at": _iso(now)}
            available.update(_available({won: prizes[won]}, stock, released, day))
    return _report(b, len(people), len(plan), wins, no_prize, stock, stockouts)


def _available(prizes: dict[str, dict[str, Any]], stock: dict[str, int | None],
               released: Counter, day: int) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for key, prize in prizes.items():
        left = stock[key]
        daily = prize["daily_release"]
        if daily is not None:
            today_left = daily - released[(key, day)]
            left = today_left if left is None else min(left, today_left)
        out[key] = left
    return out


def _iso(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _report(b: dict[str, Any], participants: int, draws: int, wins: Counter, no_prize: int,
            stock: dict[str, int | None], stockouts: dict[str, dict[str, Any]]
            ) -> SimulationReport:
    values = {p["key"]: float(p["value"]) for p in b["prizes"]}
    cost = round(sum(values[k] * n for k, n in wins.items()), 2)
    budget = b["limits"]["budget"]
    amount = float(budget["amount"]) if budget else None
    return SimulationReport(
        participants=participants, draws=draws,
        wins={p["key"]: wins.get(p["key"], 0) for p in b["prizes"]}, no_prize=no_prize,
        expected_cost=cost, budget=amount, currency=budget["currency"] if budget else "CNY",
        over_budget=amount is not None and cost > amount, stock_left=stock, stockouts=stockouts)
