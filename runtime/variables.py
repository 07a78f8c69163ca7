"""The flat variables dict rules see (names fixed by rules/catalog.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

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


_DEFAULTS: dict[str, Any] = {}


def _defaults() -> dict[str, Any]:
    """A fresh copy of every catalog variable's default (built once; the values are
    immutable, so a shallow copy is enough)."""
    if not _DEFAULTS:
        from rules.catalog import DEFAULTS, VARIABLES

        _DEFAULTS.update({name: DEFAULTS[v.type] for name, v in VARIABLES.items()})
    return dict(_DEFAULTS)


def _coerce(name: str, value: Any) -> Any:
    from rules.catalog import BOOLEAN, NUMERIC, VARIABLES

    kind = VARIABLES[name].type
    if kind == NUMERIC:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else 0
    if kind == BOOLEAN:
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


def build_variables(
    live: LiveVersion,
    principal: Principal,
    person: dict[str, str],
    now: datetime,
    participant_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Token profile + hot counters + local time + event data; unknown names get defaults."""
    values = _defaults()
    for name in PROFILE:
        if name in principal.attrs:
            values[name] = _coerce(name, principal.attrs[name])
    values["tags"] = person_tags(principal, person)
    day = live.local_day(now)
    n = hotstate.as_int
    values.update(
        draws_today=n(person, f"d:{day}"),
        draws_total=n(person, "d"),
        wins_total=n(person, "w"),
        shares_today=n(person, f"s:{day}"),
        shares_total=n(person, "s"),
        referrals_today=n(person, f"r:{day}"),
        referrals_total=n(person, "r"),
        checkin_streak=n(person, "cs"),
        checkins_total=n(person, "ci"),
        votes_today=n(person, f"v:{day}"),
        chances_left=sum(hotstate.chances_by_kind(person).values()),
    )
    if "points_balance" in live.uses:
        values["points_balance"] = points_balance(participant_id)
    values.update(live.compiled.windows.local_time_variables(now))
    values.update(extra or {})
    return values
