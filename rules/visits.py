"""One simulated participant's visits, as the runtime handles them: their counters (`Person`)
and, for a campaign, the variables its rules read, each trigger's rules and actions, daily
grants and joining (`Campaign`). rules.people plans with it; rules.simulate runs the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from . import catalog
from .windows import zone


@dataclass(frozen=True)
class Event:
    """One thing one person does at one time; `data` holds the trigger's event variables
    (a draw: {"chance_kind": ...})."""

    at: datetime
    person: int
    action: str  # join | check_in | vote | share | referral | transaction | draw
    data: Mapping[str, Any] = field(default_factory=dict)
    day: str = ""  # the local day of `at` (campaign zone)


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
                variables, self.participant_id, self.bundle["audience"].get("whitelist_channel")
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
