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
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from . import catalog
from .audience import example_participant
from .windows import campaign_bounds, zone

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


@dataclass(frozen=True)
class Event:
    """One thing one person does at one time; `data` holds the trigger's event variables
    (a draw: {"chance_kind": ...})."""

    at: datetime
    person: int
    action: str  # join | check_in | vote | share | referral | transaction | draw
    data: Mapping[str, Any] = field(default_factory=dict)
    day: str = ""  # the local day of `at` (campaign zone)


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


TIME_VARIABLES = frozenset(
    {"hour", "weekday", "day_of_month", "date", "minutes_since_start", "active_windows"}
)
COUNTERS = {
    "draws_today": lambda p, day: p.draws[day],
    "draws_total": lambda p, day: p.draws[""],
    "wins_total": lambda p, day: p.wins[""],
    "shares_today": lambda p, day: p.shares[day],
    "shares_total": lambda p, day: p.shares[""],
    "referrals_today": lambda p, day: p.referrals[day],
    "referrals_total": lambda p, day: p.referrals[""],
    "checkin_streak": lambda p, day: p.streak,
    "checkins_total": lambda p, day: p.checkins,
    "checkins_this_month": lambda p, day: p.checkins_by_month[day[:7]],
    "votes_today": lambda p, day: p.votes[day],
    "chances_left": lambda p, day: sum(p.chances.values()),
    "points_balance": lambda p, day: p.points,
}


ACTIVITY_COUNTERS = {
    "check_in": {"checkin_streak", "checkins_total", "checkins_this_month"},
    "vote": {"votes_today"},
    "share": {"shares_today", "shares_total"},
    "referral": {"referrals_today", "referrals_total"},
    "transaction": set(),
}


# actions that change what draws give; tags and points matter when a condition reads them
DRAW_ACTIONS = frozenset({"grant_chances", "issue_prize", "guarantee_win", "boost_odds", "deny"})
READ_AS = {"tag_participant": "tags", "award_points": "points_balance"}


def activities_that_matter(bundle: Mapping[str, Any]) -> dict[str, bool]:
    """Which activities can change the draws or the stock: their rules grant chances, issue a
    prize, guarantee or boost (or do what a condition of such a rule reads), or their counters
    are read by such a rule. The others are not simulated (they cannot change the result)."""
    rules = bundle["rules"]
    relevant: list[dict[str, Any]] = []
    names: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if rule in relevant:
                continue
            acts = {a["name"] for a in rule["actions"]}
            counters = {n for t, c in ACTIVITY_COUNTERS.items() for n in c if t == rule["trigger"]}
            if (
                acts & DRAW_ACTIONS
                or any(READ_AS.get(a) in names for a in acts)
                or (rule["trigger"] in ACTIVITY_COUNTERS and counters & names)
            ):
                relevant.append(rule)
                names |= condition_names({"audience": {"conditions": None}, "rules": [rule]})
                changed = True
    triggers = {rule["trigger"] for rule in relevant}
    return {t: t in triggers or bool(c & names) for t, c in ACTIVITY_COUNTERS.items()}


def _hashable(values: Mapping[str, Any]):
    return (tuple(v) if isinstance(v, list) else v for v in values.values())


def condition_names(bundle: Mapping[str, Any]) -> set[str]:
    """Every variable a bundle's audience and rule conditions read."""
    found: set[str] = set()

    def walk(cond: Any) -> None:
        if isinstance(cond, dict):
            if "name" in cond:
                found.add(cond["name"])
            for child in cond.get("all", []) + cond.get("any", []):
                walk(child)

    walk(bundle["audience"]["conditions"])
    for rule in bundle["rules"]:
        walk(rule["conditions"])
    return found


class World(Protocol):
    """What the simulation's shared state does for rule actions (planning has none)."""

    def issue_prize(self, person: Person, prize: str, now: datetime) -> None: ...


@dataclass
class Person:
    """A participant's counters, as the runtime keeps them in Redis."""

    attrs: dict[str, Any]
    chances: Counter = field(default_factory=Counter)
    draws: Counter = field(default_factory=Counter)  # "" total, day -> that day
    wins: Counter = field(default_factory=Counter)  # "" total, day -> that day
    wins_by_prize: Counter = field(default_factory=Counter)
    shares: Counter = field(default_factory=Counter)  # "" total, day -> that day
    rewarded_shares: Counter = field(default_factory=Counter)
    referrals: Counter = field(default_factory=Counter)
    votes: Counter = field(default_factory=Counter)
    checkins: int = 0
    checkins_by_month: Counter = field(default_factory=Counter)  # "YYYY-MM" -> check-ins
    streak: int = 0
    last_checkin: str | None = None
    points: int = 0
    tags: set[str] = field(default_factory=set)
    guarantee: str | None = None
    boosts: list[dict[str, Any]] = field(default_factory=list)
    granted_days: set[str] = field(default_factory=set)
    touches_stock: bool = False  # a rule issued them a prize (planning notes it)


class Campaign:
    """A validated bundle and its compiled rules, with the runtime's handling of each trigger
    (runtime.participation, .activities, .events, .grants, .actions) in plain Python."""

    def __init__(self, bundle: dict[str, Any], compiled: Any) -> None:
        self.bundle = bundle
        self.compiled = compiled
        self.schedule = bundle["schedule"]
        self.tz = zone(self.schedule["timezone"])
        self.kinds = bundle["chances"]["kinds"]
        self.daily = any(kind["daily"] for kind in self.kinds)
        order = [bundle["chances"]["default_kind"]] + [k["key"] for k in self.kinds]
        self.draw_order = [k for k in dict.fromkeys(order) if k]
        self.limits = bundle["limits"]["per_person"]
        self.share_cap = bundle["limits"]["shares_rewarded_per_day"]
        self.defaults = {n: catalog.DEFAULTS[v.type] for n, v in catalog.VARIABLES.items()}
        self.used = sorted(condition_names(bundle))
        self.matters = activities_that_matter(bundle)
        self.memo: dict[tuple, tuple[str | None, list]] = {}
        whitelist = bundle["audience"]["whitelist"]
        self.participant_id = whitelist[0] if whitelist else "simulated"  # taken as invited
        candidates = (bundle["widget"].get("config") or {}).get("candidates") or []
        self.candidates = [str(c["id"]) for c in candidates if isinstance(c, dict) and "id" in c]

    def day(self, now: datetime) -> str:
        return now.astimezone(self.tz).date().isoformat()

    def variables(
        self, person: Person, now: datetime, extra: Mapping[str, Any] = (), day: str = ""
    ) -> dict[str, Any]:
        """The variables the runtime builds (runtime.variables.build_variables), limited to
        those the campaign's conditions read (the others cannot change an outcome)."""
        day = day or self.day(now)
        values: dict[str, Any] = {}
        clock = None
        for name in self.used:
            if name in extra:
                values[name] = extra[name]
            elif name in COUNTERS:
                values[name] = COUNTERS[name](person, day)
            elif name in TIME_VARIABLES:
                clock = clock or self.compiled.windows.local_time_variables(now)
                values[name] = clock[name]
            elif name == "tags":
                values[name] = sorted(set(person.attrs.get("tags") or []) | person.tags)
            else:
                values[name] = person.attrs.get(name, self.defaults[name])
        return values

    def outcome(
        self, person: Person, trigger: str, now: datetime, extra: Mapping[str, Any], day: str
    ) -> tuple[str | None, list]:
        """(deny message, actions) of a trigger's rules; rules are pure functions of the
        variables they read, so outcomes are remembered by those values."""
        values = self.variables(person, now, extra, day)
        key = (trigger, *_hashable(values))
        found = self.memo.get(key)
        if found is None:
            outcome = self.compiled.run(trigger, values)
            if len(self.memo) > 200_000:
                self.memo.clear()
            found = self.memo[key] = (outcome.denied, outcome.actions)
        return found

    def run(
        self,
        person: Person,
        trigger: str,
        now: datetime,
        world: World | None,
        extra: Mapping[str, Any] = (),
        day: str = "",
    ) -> bool:
        """Run a trigger's rules and apply their actions; False when a rule denied."""
        if not self.compiled.by_trigger.get(trigger):
            return True
        denied, actions = self.outcome(person, trigger, now, extra, day)
        if denied:
            return False
        self.apply(person, actions, now, world)
        return True

    def apply(self, person: Person, actions, now: datetime, world: World | None) -> None:
        """Rule actions as runtime.actions.stage_actions applies them."""
        for name, params in actions:
            if name == "grant_chances":
                person.chances[params["kind"]] += int(params["count"])
            elif name == "award_points":
                person.points += int(params["amount"])
            elif name == "issue_prize":
                person.touches_stock = True
                if world is not None:
                    world.issue_prize(person, params["prize"], now)
            elif name == "guarantee_win":
                person.guarantee = params["prize"]
            elif name == "boost_odds":
                until = now + timedelta(minutes=int(params["minutes"]))
                person.boosts.append(
                    {
                        "prizes": list(params["prizes"]),
                        "factor": float(params["factor"]),
                        "until": until,
                    }
                )
            elif name == "tag_participant":
                person.tags.add(params["tag"])

    def daily_grants(self, person: Person, now: datetime, day: str = "") -> None:
        day = day or self.day(now)
        if day in person.granted_days:
            return
        person.granted_days.add(day)
        for kind in self.kinds:
            if kind["daily"]:
                person.chances[kind["key"]] += kind["daily"]

    def join(self, person: Person, now: datetime, world: World | None) -> bool:
        variables = self.variables(person, now)
        key = ("audience", *_hashable(variables))
        allowed = self.memo.get(key)
        if allowed is None:
            allowed = self.memo[key] = self.compiled.audience_allows(
                variables, self.participant_id
            )[0]
        if not allowed:
            return False
        denied, actions = self.outcome(person, "join", now, {}, self.day(now))
        if denied:
            return False
        for kind in self.kinds:
            person.chances[kind["key"]] += kind["initial"]
        self.apply(person, actions, now, world)
        self.daily_grants(person, now)
        return True

    def act(self, person: Person, event: Event, world: World | None) -> None:
        """An activity (not a draw) and its rules, as the runtime counts it."""
        now, day, action = event.at, event.day or self.day(event.at), event.action
        if action == "share":
            if person.shares.get(f"{day}:{event.data['share_channel']}"):
                return  # counted once per channel per day
            person.shares[f"{day}:{event.data['share_channel']}"] = 1
            person.rewarded_shares[day] += 1
            if self.share_cap is None or person.rewarded_shares[day] <= self.share_cap:
                self.run(person, "share", now, world, event.data, day)
            person.shares[""] += 1
            person.shares[day] += 1
        elif action == "referral":
            person.referrals[""] += 1
            person.referrals[day] += 1
            self.run(person, "referral", now, world, event.data, day)
        elif action == "check_in":
            if person.last_checkin == day:
                return
            yesterday = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
            person.streak = person.streak + 1 if person.last_checkin == yesterday else 1
            person.checkins += 1
            person.checkins_by_month[day[:7]] += 1
            person.last_checkin = day
            self.run(person, "check_in", now, world, {}, day)
        elif action == "vote":
            self.run(person, "vote", now, world, event.data, day)
            person.votes[day] += 1
        elif action == "transaction":
            self.run(person, "transaction", now, world, event.data, day)


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
