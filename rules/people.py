"""Simulated people: who they are, what they do on the days they come, and the plan of events
(join, check-in, votes, shares, referrals, transactions, draws) the simulation runs.

A person's chances come from the campaign itself, as in the runtime: the initial grant on
joining, each kind's daily grant on the days they come, and whatever the campaign's rules grant
for what they do (`grant_chances` on share, referral, check-in, vote, transaction...). Each day
they come they use the chances they have, within the campaign's draw limits. So a campaign
whose first three digs always win also shows what its fourth dig gives, and a campaign whose
chances come from referrals shows what referrers win.

`plan_visits` decides every event and its time; `rules.simulate` runs the plan against one
shared state (stock, daily releases, issuer limits), and a live replay can follow the same plan
through the runtime (tests/runtime/test_simulation_matches_draws.py).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .audience import example_participant
from .visits import TIME_VARIABLES, Campaign, Event, Person
from .windows import campaign_bounds

DEFAULT_ATTRS: dict[str, Any] = {"customer_segment": "existing", "age": 35, "card_bound": True}
SHARE_CHANNELS = ("wechat_moments", "wechat_friend", "weibo", "qq", "link", "other")
TRANSACTION = {"transaction_type": "transfer", "transaction_amount": 500}


@dataclass(frozen=True)
class Behaviour:
    """One kind of participant: `share` of the people (a weight), how many `days` they come
    and what they do each day. `draws` set: they make exactly that many draws in all (their
    chances are taken as given), instead of using the chances the campaign gives them."""

    share: float = 1.0
    days: int = 1
    shares_per_day: int = 0
    referrals: int = 0  # friends who join with their code, spread over the days they come
    check_in: bool = False
    votes_per_day: int = 0
    transactions_per_day: int = 0
    draws: int | None = None
    attrs: Mapping[str, Any] | None = None  # token attributes; default: DEFAULT_ATTRS, let in

    @classmethod
    def of(cls, value: Behaviour | Mapping[str, Any]) -> Behaviour:
        return value if isinstance(value, Behaviour) else cls(**dict(value))


# The default mix (docs/rules.md): most people come once; some come back and share; a few
# come often, share every day and bring friends.
DEFAULT_MIX = (
    Behaviour(share=0.6, days=1),
    Behaviour(share=0.3, days=4, shares_per_day=1, check_in=True, votes_per_day=1),
    Behaviour(
        share=0.1,
        days=12,
        shares_per_day=3,
        referrals=6,
        check_in=True,
        votes_per_day=3,
        transactions_per_day=1,
    ),
)


@dataclass
class Plan:
    """Who takes part (attributes per person; None: refused by the audience) and every event
    in time order (people who draw nothing and touch no stock have no events: `inert`)."""

    people: list[dict[str, Any] | None]
    events: list[Event]
    inert: int = 0  # people who joined but did nothing that touches the shared state

    @property
    def draws(self) -> int:
        return sum(1 for e in self.events if e.action == "draw")


def _sessions(rng: random.Random, start: datetime, end: datetime, tz, days: int):
    """(number of visits, their times): one visit on each of `days` consecutive local days at
    a random time of day (times drawn as they are used)."""
    first = start.astimezone(tz).date()
    span = ((end - timedelta(microseconds=1)).astimezone(tz).date() - first).days + 1
    days = max(1, min(days, span))
    offset = rng.randrange(span - days + 1)

    def times():
        for n in range(days):
            day = first + timedelta(days=offset + n)
            midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
            at = midnight + timedelta(seconds=rng.randrange(82_800))  # the visit ends that day
            yield min(max(at, start), end - timedelta(minutes=30))

    return days, times()


def _day_events(
    campaign: Campaign, behaviour: Behaviour, day_no: int, days: int
) -> list[tuple[str, dict[str, Any]]]:
    """What a person does on one visit before drawing (in this order)."""
    todo: list[tuple[str, dict[str, Any]]] = []
    matters = campaign.matters
    if behaviour.check_in and matters["check_in"]:
        todo.append(("check_in", {}))
    if matters["vote"]:
        for n in range(min(behaviour.votes_per_day, len(campaign.candidates))):
            todo.append(("vote", {"vote_candidate": campaign.candidates[n]}))
    if matters["share"]:
        for n in range(behaviour.shares_per_day):
            todo.append(("share", {"share_channel": SHARE_CHANNELS[n % len(SHARE_CHANNELS)]}))
    if matters["referral"]:
        friends = behaviour.referrals * (day_no + 1) // days - behaviour.referrals * day_no // days
        todo += [("referral", {"invitee_is_new_customer": True})] * friends
    if matters["transaction"]:
        todo += [("transaction", dict(TRANSACTION))] * behaviour.transactions_per_day
    return todo


def _idle(campaign: Campaign, behaviour: Behaviour, person: Person) -> bool:
    """Nothing this person will do can give them a draw: no chance after joining, no daily
    grant and no activity that matters."""
    if any(person.chances.values()) or campaign.daily:
        return False
    return not _day_events(campaign, behaviour, 0, 1)


def _draws_left(campaign: Campaign, person: Person, day: str) -> int:
    left = []
    if campaign.limits["draws_per_day"] is not None:
        left.append(campaign.limits["draws_per_day"] - person.draws[day])
    if campaign.limits["draws_total"] is not None:
        left.append(campaign.limits["draws_total"] - person.draws[""])
    return max(0, min(left)) if left else 1 << 30


def _plan_person(
    campaign: Campaign,
    behaviour: Behaviour,
    index: int,
    attrs: dict[str, Any],
    rng: random.Random,
    budget: int | None,
) -> list[Event] | None:
    """One person's events (None: the audience or a join rule refuses them). On each visit
    they draw the chances they have, within the draw limits (or, with `behaviour.draws`, their
    fixed number); `budget` caps their draws (the plan's last person)."""
    start, end = campaign_bounds(campaign.schedule)
    person = Person(dict(attrs))
    remaining, days = behaviour.draws, behaviour.days
    per_day = campaign.limits["draws_per_day"]
    if remaining is not None and per_day:
        days = max(days, -(-remaining // per_day))
    visits, times = _sessions(rng, start, end, campaign.tz, days)
    events: list[Event] = []
    for day_no, at in enumerate(times):
        tick, day = iter(range(1_000_000)), campaign.day(at)

        def step(
            action: str, data: Mapping[str, Any], at: datetime = at, tick=tick, day: str = day
        ) -> Event:
            return Event(at + timedelta(seconds=next(tick)), index, action, dict(data), day)

        if day_no == 0:
            if not campaign.join(person, at, None):
                return None
            events.append(step("join", {}))
            if remaining is None and _idle(campaign, behaviour, person):
                return events if person.touches_stock else []
        campaign.daily_grants(person, at, day)
        for action, data in _day_events(campaign, behaviour, day_no, visits):
            event = step(action, data)
            campaign.act(person, event, None)
            events.append(event)
        allowed = _draws_left(campaign, person, day)
        kinds: list[str | None] = []
        if remaining is not None:
            count = min(allowed, remaining)
            remaining -= count
            kinds = [campaign.draw_order[0] if campaign.draw_order else None] * count
        else:
            for kind in campaign.draw_order:
                take = min(person.chances[kind], allowed - len(kinds))
                person.chances[kind] -= take
                kinds += [kind] * take
        if budget is not None:
            kinds = kinds[: max(0, budget)]
            budget -= len(kinds)
        for kind in kinds:
            person.draws[""] += 1
            person.draws[day] += 1
            events.append(step("draw", {"chance_kind": kind}))
        if budget is not None and budget <= 0:
            break
    if not person.draws[""] and not person.touches_stock:
        return []  # joined, but nothing they did touches the shared state
    return events


def plan_visits(
    bundle: dict[str, Any],
    compiled: Any,
    rng: random.Random,
    *,
    participants: int | None = None,
    draws: int | None = None,
    behaviours: Sequence[Behaviour | Mapping[str, Any]] | None = None,
) -> Plan:
    """The events of `participants` people, or of as many as it takes to make exactly `draws`
    draws (the last person stops there), drawn from the behaviour mix."""
    campaign = Campaign(bundle, compiled)
    mix = [Behaviour.of(b) for b in behaviours] if behaviours else list(DEFAULT_MIX)
    default = example_participant(bundle["audience"], DEFAULT_ATTRS)
    base = default.attrs if default is not None else dict(DEFAULT_ATTRS)
    people: list[dict[str, Any]] = []
    events: list[Event] = []
    inert = 0
    if participants is not None:
        order = _apportion(mix, participants, rng)
    made = 0
    # When no condition reads the clock, everyone of a behaviour does the same; a behaviour
    # whose people touch nothing (no draw, no prize) needs planning once.
    timeless = not TIME_VARIABLES & set(campaign.used)
    idle: set[int] = set()  # id() of idle behaviours of the mix
    while True:
        if participants is not None:
            if len(people) >= participants:
                break
            behaviour = order[len(people)]
        else:
            if draws is None or made >= draws or len(people) > 50 * max(draws, 1) + 1000:
                break
            behaviour = rng.choices(mix, weights=[b.share for b in mix])[0]
        attrs = dict(behaviour.attrs) if behaviour.attrs is not None else base
        if id(behaviour) in idle:
            people.append(attrs)
            inert += 1
            continue
        left = None if participants is not None else draws - made
        mine = _plan_person(campaign, behaviour, len(people), attrs, rng, left)
        people.append(attrs if mine is not None else None)
        if mine:
            events += mine
            made += sum(1 for e in mine if e.action == "draw")
        elif mine is not None:
            inert += 1
            if timeless and behaviour.draws is None:
                idle.add(id(behaviour))
    events.sort(key=lambda e: (e.at, e.person))
    return Plan(people, events, inert)


def _apportion(mix: list[Behaviour], participants: int, rng: random.Random) -> list[Behaviour]:
    """Behaviours for `participants` people in proportion to their shares, shuffled."""
    total = sum(b.share for b in mix)
    order: list[Behaviour] = []
    for b in mix:
        order += [b] * round(participants * b.share / total)
    order = (order + [mix[-1]] * participants)[:participants]
    rng.shuffle(order)
    return order
