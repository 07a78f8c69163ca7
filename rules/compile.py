"""compile_bundle: a validated bundle as plain closures the runtime calls on every request.

Every rule of a trigger sees the same variable snapshot; actions are returned in rule order and
applied by the runtime after evaluation (a rule never sees an earlier rule's effects).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from .conditions import Pred, compile_conditions, explain
from .loyalty import TaskBook
from .odds import OddsModel, OddsTable, PersonState
from .validate import load_bundle
from .windows import (
    LocalClock,
    Transition,
    is_open,
    next_transitions,
    open_windows,
    zone,
)


@dataclass(frozen=True)
class CompiledRule:
    id: str
    conditions: dict[str, Any] | None
    predicate: Pred | None
    actions: tuple[tuple[str, dict[str, Any]], ...]


@dataclass
class Outcome:
    """Result of running one trigger's rules: actions in order, ids of rules that fired."""

    trigger: str
    actions: list[tuple[str, dict[str, Any]]]
    fired: list[str]
    _rules: tuple[CompiledRule, ...] = field(repr=False, default=())
    _variables: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @property
    def variables(self) -> Mapping[str, Any]:
        """The snapshot the rules were evaluated against (tasks are checked against it too)."""
        return self._variables

    @property
    def denied(self) -> str | None:
        """The message of the first `deny` action, if any (the runtime refuses the request)."""
        return next((p["message"] for name, p in self.actions if name == "deny"), None)

    @cached_property
    def trace(self) -> list[dict[str, Any]]:
        """Per rule: fired or not and, when not, the conditions that failed (JSON-serialisable)."""
        rows = []
        for rule in self._rules:
            fired = rule.id in self.fired
            failed = (
                []
                if fired or rule.conditions is None
                else explain(rule.conditions, self._variables, "conditions")
            )
            rows.append({"rule": rule.id, "fired": fired, "failed": failed})
        return rows

    def explain(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger,
            "fired": list(self.fired),
            "actions": [{"name": n, "params": p} for n, p in self.actions],
            "rules": self.trace,
        }


class ScheduleView:
    """The campaign's schedule with the window functions bound to it."""

    def __init__(self, schedule: dict[str, Any]) -> None:
        self.schedule = schedule
        self.tz = zone(schedule["timezone"])
        self.by_id = {w["id"]: w for w in schedule["windows"]}
        self.clock = LocalClock(schedule)

    def is_open(self, window_id: str, now: datetime) -> bool:
        return is_open(self.by_id[window_id], now, self.tz)

    def open_windows(self, now: datetime) -> list[str]:
        return open_windows(self.schedule, now)

    def next_transitions(self, after: datetime, until: datetime) -> list[Transition]:
        return next_transitions(self.schedule, after, until)

    def local_time_variables(self, now: datetime) -> dict[str, Any]:
        return self.clock.variables(now)


class CompiledCampaign:
    """A bundle compiled once: rules per trigger, audience check, odds model, windows."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.by_trigger: dict[str, tuple[CompiledRule, ...]] = {}
        grouped: dict[str, list[CompiledRule]] = {}
        for rule in bundle["rules"]:
            cond = rule["conditions"]
            grouped.setdefault(rule["trigger"], []).append(
                CompiledRule(
                    rule["id"],
                    cond,
                    compile_conditions(cond) if cond is not None else None,
                    tuple((a["name"], dict(a["params"])) for a in rule["actions"]),
                )
            )
        self.by_trigger = {k: tuple(v) for k, v in grouped.items()}
        audience = bundle["audience"]
        self._audience_cond = audience["conditions"]
        self._audience = compile_conditions(self._audience_cond) if self._audience_cond else None
        wl = audience["whitelist"]
        self._whitelist = frozenset(wl) if wl is not None else None
        self._whitelist_channel = audience.get("whitelist_channel")
        self._refusal = audience["message"]
        self.odds = OddsModel(bundle)
        self.windows = ScheduleView(bundle["schedule"])
        self.tasks = TaskBook(bundle)

    def run(self, trigger: str, variables: Mapping[str, Any]) -> Outcome:
        """Evaluate every rule of `trigger` against one variable snapshot."""
        rules = self.by_trigger.get(trigger, ())
        actions: list[tuple[str, dict[str, Any]]] = []
        fired: list[str] = []
        for rule in rules:
            if rule.predicate is None or rule.predicate(variables):
                fired.append(rule.id)
                for name, params in rule.actions:
                    actions.append((name, params.copy()))
        return Outcome(trigger, actions, fired, rules, variables)

    def audience_allows(
        self, variables: Mapping[str, Any], participant_id: str, channel: str | None
    ) -> tuple[bool, str | None]:
        """Whitelist, then audience conditions; (False, marketer's message) when refused.

        Participant ids are per channel (the token's `sub` under its issuer), so a whitelist
        admits its ids only from `audience.whitelist_channel` (the name of the channel)."""
        if self._whitelist is not None and (
            channel is None
            or channel != self._whitelist_channel
            or participant_id not in self._whitelist
        ):
            return False, self._refusal
        if self._audience is not None and not self._audience(variables):
            return False, self._refusal
        return True, None

    def audience_trace(self, variables: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Which audience conditions failed, for the studio tester."""
        if self._audience_cond is None:
            return []
        return explain(self._audience_cond, variables, "audience.conditions")

    def odds_table(
        self,
        now: datetime,
        person: PersonState,
        stock_left: Mapping[str, int | None],
        boosts: list[Mapping[str, Any]],
        **kwargs: Any,
    ) -> OddsTable:
        """See OddsModel.table (keywords: chance_kind, guarantee, branch_quota_left)."""
        return self.odds.table(now, person, stock_left, boosts, **kwargs)


def compile_bundle(bundle: dict[str, Any]) -> CompiledCampaign:
    """Validate (raising BundleError) and compile a bundle."""
    return CompiledCampaign(load_bundle(bundle))
