"""The rule tester: run one trigger of a bundle for a sample participant at a chosen moment and
explain it: each rule, each condition with the value it compared and its result, the actions
that would apply and, for a draw, the odds table. Pure: nothing is stored anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import catalog
from .compile import compile_bundle
from .conditions import compile_leaf
from .odds import PersonState
from .values import coerce_variable
from .windows import local_time_variables

# Variables the tester derives from the chosen moment instead of asking for them.
TIME_VARIABLES = frozenset(
    ("hour", "weekday", "day_of_month", "date", "minutes_since_start", "active_windows")
)


@dataclass
class SampleParticipant:
    """What the marketer describes: token attributes, counters and the event's data."""

    participant_id: str = "sample"
    values: dict[str, Any] = field(default_factory=dict)
    chance_kind: str | None = None
    wins_by_prize: dict[str, int] = field(default_factory=dict)


def variables_at(bundle: dict[str, Any], sample: SampleParticipant, at: datetime) -> dict[str, Any]:
    """The variables dict the runtime would build: defaults, the sample, the local time."""
    values = {name: catalog.DEFAULTS[v.type] for name, v in catalog.VARIABLES.items()}
    for name, value in sample.values.items():
        if name in catalog.VARIABLES and name not in TIME_VARIABLES:
            values[name] = coerce_variable(catalog.VARIABLES[name], value)
    values.update(local_time_variables(bundle["schedule"], at))
    return values


def condition_report(
    cond: dict[str, Any] | None, variables: dict[str, Any]
) -> dict[str, Any] | None:
    """The condition tree with every leaf's compared value and result, and each group's."""
    if cond is None:
        return None
    for group in ("all", "any"):
        if group in cond:
            children = [condition_report(child, variables) for child in cond[group]]
            results = [c["result"] for c in children if c is not None]
            result = all(results) if group == "all" else any(results)
            return {"group": group, "result": result, "children": children}
    actual = variables.get(cond["name"])
    if isinstance(actual, tuple | set | frozenset):
        actual = sorted(actual, key=str)
    return {
        "name": cond["name"],
        "operator": cond["operator"],
        "value": cond.get("value"),
        "actual": actual,
        "result": bool(compile_leaf(cond)(variables)),
    }


def run_trigger(
    bundle: dict[str, Any], trigger: str, sample: SampleParticipant, at: datetime
) -> dict[str, Any]:
    """Everything the tester shows for one trigger at one moment (JSON-serialisable)."""
    compiled = compile_bundle(bundle)
    b = compiled.bundle
    variables = variables_at(b, sample, at)
    rules = []
    for rule in compiled.by_trigger.get(trigger, ()):
        report = condition_report(rule.conditions, variables)
        rules.append(
            {
                "id": rule.id,
                "fired": report is None or report["result"],
                "conditions": report,
                "actions": [{"name": n, "params": p} for n, p in rule.actions],
            }
        )
    outcome = compiled.run(trigger, variables)
    # the sample comes from the whitelist's channel (participant ids are per channel)
    channel = b["audience"].get("whitelist_channel")
    allowed, message = compiled.audience_allows(variables, sample.participant_id, channel)
    result: dict[str, Any] = {
        "trigger": trigger,
        "at": at.isoformat(),
        "local": {k: variables[k] for k in sorted(TIME_VARIABLES)},
        "audience": {
            "allowed": allowed,
            "message": message,
            "conditions": condition_report(b["audience"]["conditions"], variables),
            "whitelisted": None
            if b["audience"]["whitelist"] is None
            else sample.participant_id in b["audience"]["whitelist"],
        },
        "rules": rules,
        "actions": [{"name": n, "params": p} for n, p in outcome.actions],
        "denied": outcome.denied,
    }
    if trigger == "draw":
        result["odds"] = odds_at(compiled, sample, variables, at)
    return result


def odds_at(
    compiled: Any, sample: SampleParticipant, variables: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The odds table a draw would use at `at`, stock as set in the bundle (nothing won yet)."""
    prizes = compiled.bundle["prizes"]
    person = PersonState(
        draws_total=int(variables.get("draws_total") or 0),
        wins_total=int(variables.get("wins_total") or 0),
        wins_by_prize=dict(sample.wins_by_prize),
        wins_today=0,
    )
    stock = {p["key"]: p["stock"] for p in prizes}
    kind = sample.chance_kind or compiled.bundle["chances"]["default_kind"]
    table = compiled.odds_table(at, person, stock, [], chance_kind=kind)
    shares = table.probabilities()
    return {
        "chance_kind": kind,
        "guaranteed": table.guaranteed,
        "entries": [
            {
                "prize": e.prize,
                "base_weight": e.base_weight,
                "weight": e.weight,
                "probability": shares[e.prize],
                "notes": list(e.notes),
            }
            for e in table.entries
        ],
    }
