"""The flat variables dict rules see, built by one supplier per catalogue variable.

`rules/catalog.py` names and types every variable; each name has exactly one supplier here
(token profile, hot counters, points ledger, local clock, or the request's own data).
`SupplierRegistry.register()` refuses a duplicate or a name the catalogue does not know, and
`check_complete()` fails when a catalogue variable has no supplier, so the runtime refuses to
start instead of letting a rule silently read a default forever.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rules import catalog
from runtime import hotstate
from runtime.auth import Principal
from runtime.loader import LiveVersion

PROFILE = (
    "age",
    "asset_level",
    "branch",
    "city",
    "customer_segment",
    "is_new_customer",
    "card_bound",
    "days_since_registration",
    "days_since_last_login",
)
# variable -> person-hash field; `{day}` is the campaign's local day, `{month}` its YYYY-MM
COUNTERS = {
    "draws_today": "d:{day}",
    "draws_total": "d",
    "wins_total": "w",
    "shares_today": "s:{day}",
    "shares_total": "s",
    "referrals_today": "r:{day}",
    "referrals_total": "r",
    "checkin_streak": "cs",
    "checkins_total": "ci",
    "checkins_this_month": "ci:{month}",
    "votes_today": "v:{day}",
}
CLOCK = (
    "hour",
    "weekday",
    "day_of_month",
    "date",
    "minutes_since_start",
    "active_windows",
)
# Variables only the request that fires their trigger knows (rules.catalog restricts them to
# those triggers); the trigger's code passes them as `extra`.
REQUEST_DATA = (
    "transaction_type",
    "transaction_amount",
    "share_channel",
    "invitee_is_new_customer",
    "account_type",
    "vote_candidate",
)


class SupplierError(Exception):
    """A supplier could not be registered, or catalogue variables have none."""


@dataclass(slots=True)
class Sources:
    """Everything a supplier may read for one request."""

    live: LiveVersion
    principal: Principal
    person: dict[str, str]
    now: datetime
    participant_id: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


Supplier = Callable[[Sources], Mapping[str, Any]]


@dataclass(frozen=True)
class SupplierEntry:
    source: str  # token, counter, ledger, clock, request
    names: tuple[str, ...]
    supply: Supplier


class SupplierRegistry:
    """Catalogue variable -> the supplier that computes it; one supplier may fill several."""

    def __init__(self) -> None:
        self._by_name: dict[str, SupplierEntry] = {}
        self._entries: list[SupplierEntry] = []

    def register(self, source: str, names: Iterable[str], supply: Supplier) -> Supplier:
        entry = SupplierEntry(source, tuple(names), supply)
        for name in entry.names:
            if name not in catalog.VARIABLES:
                raise SupplierError(f"{name!r} is not a variable of rules.catalog.VARIABLES")
            if name in self._by_name:
                raise SupplierError(f"variable {name!r} already has a supplier")
        self._by_name.update(dict.fromkeys(entry.names, entry))
        self._entries.append(entry)
        return supply

    def source(self, name: str) -> str:
        return self._by_name[name].source

    def names(self, source: str) -> list[str]:
        return [n for e in self._entries if e.source == source for n in e.names]

    def missing(self) -> list[str]:
        """Catalogue variables without a supplier."""
        return [name for name in catalog.VARIABLES if name not in self._by_name]

    def check_complete(self) -> None:
        missing = self.missing()
        if missing:
            raise SupplierError(f"rule variables without a runtime supplier: {', '.join(missing)}")

    def entries(self) -> list[SupplierEntry]:
        return list(self._entries)

    def supply(self, sources: Sources) -> dict[str, Any]:
        """Every registered variable's value (each supplier returns exactly its names: the
        contract test checks it, the hot path does not)."""
        values: dict[str, Any] = {}
        for entry in self._entries:
            values.update(entry.supply(sources))
        return values


def _coerce(name: str, value: Any) -> Any:
    """A token or event value as its catalogue type; a value of the wrong type reads as
    0, False or ""."""
    kind = catalog.VARIABLES[name].type
    if kind == catalog.NUMERIC:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return value if ok else 0
    if kind == catalog.BOOLEAN:
        return value is True
    return value if isinstance(value, str) else ""


def person_tags(principal: Principal, person: dict[str, str]) -> list[str]:
    tags = principal.attrs.get("tags") or []
    tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
    added = json.loads(person.get("tags") or "[]")
    return sorted(set(tags) | set(added))


def points_balance(participant_id: int | None) -> int:
    if participant_id is None:
        return 0
    from runtime.state import points_balance as balance

    return balance(participant_id)


@functools.cache
def _defaults(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: catalog.DEFAULTS[catalog.VARIABLES[name].type] for name in names}


def _present(names: tuple[str, ...], data: Mapping[str, Any]) -> dict[str, Any]:
    """`names` read from `data` (token attributes or event data), defaults for the rest."""
    values = dict(_defaults(names))
    for name in names:
        if name in data:
            values[name] = _coerce(name, data[name])
    return values


def _profile(src: Sources) -> dict[str, Any]:
    return _present(PROFILE, src.principal.attrs)


def _tags(src: Sources) -> dict[str, Any]:
    return {"tags": person_tags(src.principal, src.person)}


def _counters(src: Sources) -> dict[str, Any]:
    day = src.live.local_day(src.now)
    values = {
        name: hotstate.as_int(src.person, key.format(day=day, month=day[:7]))
        for name, key in COUNTERS.items()
    }
    values["chances_left"] = sum(hotstate.chances_by_kind(src.person).values())
    return values


def _points(src: Sources) -> dict[str, Any]:
    # a ledger read: only for versions whose rules or audience mention it
    used = "points_balance" in src.live.uses
    return {"points_balance": points_balance(src.participant_id) if used else 0}


def _clock(src: Sources) -> dict[str, Any]:
    return src.live.compiled.windows.local_time_variables(src.now)


def _request(src: Sources) -> dict[str, Any]:
    return _present(REQUEST_DATA, src.extra)


def default_registry() -> SupplierRegistry:
    """The supplier of every catalogue variable (explicit: nothing is discovered)."""
    registry = SupplierRegistry()
    registry.register("token", PROFILE, _profile)
    registry.register("token", ("tags",), _tags)
    registry.register("counter", (*COUNTERS, "chances_left"), _counters)
    registry.register("ledger", ("points_balance",), _points)
    registry.register("clock", CLOCK, _clock)
    registry.register("request", REQUEST_DATA, _request)
    from runtime.loyalty import badges

    registry.register("ledger", badges.BADGE_VARIABLES, badges.supply_badges)
    registry.register("request", ("badge_earned",), badges.supply_badge_earned)
    return registry


@functools.cache
def registry() -> SupplierRegistry:
    """The process's supplier registry, built on first use and checked complete."""
    built = default_registry()
    built.check_complete()
    return built


def build_variables(
    live: LiveVersion,
    principal: Principal,
    person: dict[str, str],
    now: datetime,
    participant_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every catalogue variable from its supplier. `extra` is the request's own data (event
    fields, or counters the request has just changed); each key must be a catalogue variable."""
    extra = extra or {}
    if extra:
        unknown = extra.keys() - catalog.VARIABLES.keys()
        if unknown:
            raise SupplierError(f"request data for unknown variables: {', '.join(sorted(unknown))}")
        values = registry().supply(Sources(live, principal, person, now, participant_id, extra))
        values.update(extra)
        return values
    return registry().supply(Sources(live, principal, person, now, participant_id, extra))
