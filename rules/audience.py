"""A participant an audience lets in: token attributes that satisfy its conditions.

Demo links (`studio up`) and the simulation's default people are built from this, so each demo
link can be played and simulated people are people the campaign accepts. Only profile
attributes (what a token's `attrs` carries) can be chosen; a condition on counters or on the
time of day is left as it is and the result is checked against the compiled conditions.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import catalog
from .conditions import compile_conditions

# Variables the runtime takes from the participant token's `attrs` (runtime.variables).
PROFILE_VARIABLES = (
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
CHOOSABLE = frozenset(PROFILE_VARIABLES) | {"tags"}


@dataclass(frozen=True)
class Example:
    """Who to be: a participant id (the first whitelisted one, if there is a whitelist) and
    token attributes."""

    participant_id: str | None
    attrs: dict[str, Any] = field(default_factory=dict)


def join_variables(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The variables the audience sees for a newcomer with these attributes (counters 0)."""
    values = {name: catalog.DEFAULTS[v.type] for name, v in catalog.VARIABLES.items()}
    values.update({k: v for k, v in attrs.items() if k in CHOOSABLE})
    return values


def _leaf_value(cond: Mapping[str, Any]) -> tuple[bool, Any]:
    """(True, a value of the condition's variable that satisfies it) or (False, None)."""
    name, op, value = cond["name"], cond["operator"], cond.get("value")
    kind = catalog.VARIABLES[name].type
    if kind == catalog.NUMERIC:
        step = {"greater_than": 1, "less_than": -1}.get(op, 0)
        return True, value + step
    if kind == catalog.BOOLEAN:
        return True, op == "is_true"
    if kind == catalog.STRING:
        if op == "matches_regex":
            return False, None
        return True, "x" if op == "non_empty" else value
    if kind == catalog.SELECT:
        if op == "contains":
            return True, value
        others = [o for o in catalog.VARIABLES[name].options if str(o) != str(value)]
        return True, others[0] if others else ""
    values = list(value or [])  # select_multiple
    if op == "contains_all":
        return True, values
    if op in ("shares_at_least_one_element_with", "shares_exactly_one_element_with"):
        return True, values[:1]
    return True, []


def _satisfy(cond: Mapping[str, Any], attrs: dict[str, Any]) -> dict[str, Any] | None:
    if "all" in cond:
        for child in cond["all"]:
            found = _satisfy(child, attrs)
            if found is None:
                return None
            attrs = found
        return attrs
    if "any" in cond:
        for child in cond["any"]:
            found = _satisfy(child, dict(attrs))
            if found is not None and compile_conditions(child)(join_variables(found)):
                return found
        return None
    if compile_conditions(cond)(join_variables(attrs)):
        return attrs  # already true: keep what we have
    if cond["name"] not in CHOOSABLE:
        return attrs  # a counter or the clock: nothing to choose, checked at the end
    ok, value = _leaf_value(cond)
    if not ok:
        return None
    return {**attrs, cond["name"]: value}


def example_participant(
    audience: Mapping[str, Any], base: Mapping[str, Any] | None = None
) -> Example | None:
    """Someone the audience lets in, starting from `base` attributes; None when no choice of
    profile attributes satisfies its conditions (e.g. a regular expression or the time)."""
    whitelist = audience.get("whitelist")
    participant = whitelist[0] if whitelist else None
    conditions = audience.get("conditions")
    attrs = copy.deepcopy(dict(base or {}))
    if conditions is None:
        return Example(participant, attrs)
    found = _satisfy(conditions, attrs)
    if found is None or not compile_conditions(conditions)(join_variables(found)):
        return None
    return Example(participant, found)
