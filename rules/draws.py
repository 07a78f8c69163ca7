"""One model of a draw, shared by the runtime and the simulation.

A draw sees what is left to give (`Supply`: remaining stock, today's daily releases and the
issuer limits a reward draws on), builds the odds table, picks a candidate (`choose`), and is
then admitted: the candidate if it can still be given, otherwise (a guaranteed draw) another
real prize that can, otherwise the fallback (`admit`). runtime/lua/draw.lua performs `admit`
atomically in Redis; tests check that both decide alike.

Issuer limits count as stock: a red packet takes its amount from the campaign's budget and a
coupon takes a code from its pool when it is admitted, so a draw never answers "won" with a
reward the issuer then cannot give (`reward_costs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .odds import OddsModel, OddsTable, PersonState, pick

BUDGET = "budget"  # issuer-limit counter: cents of limits.budget left for red packets


def pool_counter(pool: str) -> str:
    """The issuer-limit counter of a coupon pool (codes left)."""
    return f"pool:{pool}"


def to_cents(amount: float | int | str) -> int:
    """A currency amount as whole cents, rounded half up (as the red packet issuer pays)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Cost:
    """What one win of a prize takes from an issuer-limit counter: `amount` units, or at
    least `minimum` when less is left (a random red packet pays what is left down to its
    minimum, as the issuer would)."""

    counter: str
    amount: int
    minimum: int

    def to_list(self) -> list[Any]:
        return [self.counter, self.amount, self.minimum]


class Price:
    """What wins of one reward take from issuer limits, prepared once per reward."""

    def __init__(self, reward: Mapping[str, Any]) -> None:
        kind = reward.get("kind")
        self.counter: str | None = None
        self.low = self.high = 0
        if kind == "red_packet":
            self.counter = BUDGET
            if reward.get("mode") == "random":
                self.low, self.high = to_cents(reward["min"]), to_cents(reward["max"])
            else:
                self.low = self.high = to_cents(reward["amount"])
        elif kind == "coupon_code":
            self.counter, self.low, self.high = pool_counter(reward["pool"]), 1, 1

    @property
    def varies(self) -> bool:
        return self.high > self.low

    def costs(self, rand: float | None = None) -> tuple[Cost, ...]:
        """This win's costs; a random amount is drawn from `rand` in [0, 1) (None: the
        minimum, for availability checks)."""
        if self.counter is None:
            return ()
        amount = self.low
        if rand is not None and self.high > self.low:
            amount = min(self.high, self.low + int(rand * (self.high - self.low + 1)))
        return (Cost(self.counter, amount, self.low),)


def reward_costs(reward: Mapping[str, Any], rand: float | None = None) -> tuple[Cost, ...]:
    """The issuer limits one win of `reward` takes. A random red packet's amount is drawn
    here from `rand` in [0, 1) (None: its minimum, for availability checks)."""
    return Price(reward).costs(rand)


def limit_counters(prizes: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every issuer-limit counter the prizes draw on, in prize order."""
    found: dict[str, None] = {}
    for prize in prizes:
        for cost in reward_costs(prize["reward"]):
            found.setdefault(cost.counter)
    return list(found)


@dataclass(frozen=True)
class Supply:
    """What is left to give at the moment of a draw (values as Redis returns them)."""

    stock: Mapping[str, Any] = field(default_factory=dict)  # prize -> stock left (limited ones)
    released: Mapping[str, Any] = field(default_factory=dict)  # prize -> released today
    counters: Mapping[str, Any] = field(default_factory=dict)  # issuer limit -> left


def _int(value: Any) -> int:
    return int(value or 0)


class Availability:
    """A version's prizes as `units_left` reads them, prepared once (the draw's hot path)."""

    def __init__(self, prizes: Iterable[Mapping[str, Any]]) -> None:
        self.needs = []
        for prize in prizes:
            price = Price(prize["reward"])
            self.needs.append(
                (
                    prize["key"],
                    prize["stock"] is not None,
                    prize["daily_release"],
                    (price.counter, price.low) if price.counter else None,
                )
            )

    def left(self, supply: Supply) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        stock, released, counters = supply.stock, supply.released, supply.counters
        for key, limited, daily, cost in self.needs:
            values = []
            if limited:
                values.append(_int(stock.get(key)))
            if daily is not None:
                values.append(daily - _int(released.get(key)))
            if cost is not None:
                values.append(_int(counters.get(cost[0])) // cost[1])
            found[key] = min(values) if values else None
        return found


def units_left(prizes: Iterable[Mapping[str, Any]], supply: Supply) -> dict[str, int | None]:
    """What each prize may still give now: the lowest of its remaining stock, today's
    unreleased daily quota and the wins its issuer limits still cover (None = unlimited). A
    counter that is missing counts as nothing left (Redis not primed: give nothing rather
    than promise)."""
    return Availability(prizes).left(supply)


def _availability(model: OddsModel) -> Availability:
    found = model.__dict__.get("_availability")
    if found is None:
        found = model.__dict__["_availability"] = Availability(model.prizes)
    return found


@dataclass
class Choice:
    """A draw's odds table and the candidate its random value picked."""

    left: dict[str, int | None]
    table: OddsTable
    candidate: str | None


def choose(
    model: OddsModel,
    now: datetime,
    person: PersonState,
    supply: Supply,
    rand: float,
    boosts: list[Mapping[str, Any]] | None = None,
    *,
    chance_kind: str | None = None,
    guarantee: str | None = None,
    branch_quota_left: int | None = None,
) -> Choice:
    """The odds table of one draw (stock, daily release, issuer limits, person limits, chance
    kind, window and action boosts, guarantees) and the candidate `rand` picks from it."""
    left = _availability(model).left(supply)
    table = model.table(
        now,
        person,
        left,
        boosts,
        chance_kind=chance_kind,
        guarantee=guarantee,
        branch_quota_left=branch_quota_left,
    )
    return Choice(left, table, pick(table, rand))


@dataclass(frozen=True)
class Admission:
    """The prize a draw gives (None: nothing) and why its candidate was refused, if it was."""

    prize: str | None
    refused_reason: str | None = None


def admit(
    table: OddsTable, candidate: str | None, refuse: Callable[[str], str | None], rand: float
) -> Admission:
    """What the draw gives once the candidate is checked against the state of the moment.

    `refuse(prize)` says why a prize cannot be given now (None: it can). A refused candidate
    of a guaranteed draw is replaced by another real prize that can still be given, picked by
    weight with `rand`; otherwise (or when none is left) by the fallback, if it can be given.
    draw.lua implements exactly this.
    """
    if candidate is None:
        return Admission(None)
    why = refuse(candidate)
    if why is None:
        return Admission(candidate)
    if table.guaranteed:
        allowed = [
            (prize, weight)
            for prize, weight in table.alternatives
            if prize != candidate and weight > 0 and refuse(prize) is None
        ]
        total = sum(weight for _, weight in allowed)
        if total > 0:
            target, cumulative = rand * total, 0.0
            for prize, weight in allowed:
                cumulative += weight
                if target < cumulative:
                    return Admission(prize, why)
            return Admission(allowed[-1][0], why)
    fallback = table.fallback
    if fallback is not None and refuse(fallback) is None:
        return Admission(fallback, why)
    return Admission(None, why)
