"""rules/bundle.schema.json is generated from the marshmallow schemas and the reward kinds, and
it agrees with `rules` on the templates, on broken bundles and on generated mutations."""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields, validate

from rules import json_schema, validate_bundle
from rules.json_schema import SCHEMA_PATH, UntranslatedValidator, bundle_json_schema, render
from rules.schema_fields import StrictInt
from rules.templates import list_templates, load_template

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
# the rewards the schema describes per kind: prizes' and the mall's rights' (and options')
REWARD_PATH = re.compile(r"^(prizes\[\d+\]|mall\.items\[\d+\](\.choices\[\d+\])?)\.reward(\.|$)")


# reward problems the schema leaves to `rules`: a cross-field range; a mall right's one reward
# or choices and its kind other than points (rules.loyalty)
NOT_IN_SCHEMA = {"range", "mall_reward", "mall_reward_kind"}


def rules_accept(bundle) -> bool:
    """What the JSON Schema can express: no structural (marshmallow) problem and no problem in a
    prize's or mall right's reward config except those in NOT_IN_SCHEMA."""
    for p in validate_bundle(bundle):
        if p.code.startswith("schema."):
            return False
        if REWARD_PATH.match(p.path) and p.code not in NOT_IN_SCHEMA:
            return False
    return True


def schema_accepts(bundle) -> bool:
    return VALIDATOR.is_valid(bundle)


def test_the_committed_schema_is_the_generated_one():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), (
        "rules/bundle.schema.json is stale: run .venv/bin/python -m rules.json_schema --write"
    )
    assert json_schema.main([]) == 0


def test_the_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(bundle_json_schema())


@pytest.mark.parametrize("name", list_templates())
def test_every_template_is_valid_for_both(name):
    bundle = load_template(name)
    assert validate_bundle(bundle) == []
    assert list(VALIDATOR.iter_errors(bundle)) == []


def _set(bundle: dict, path: tuple, value) -> dict:
    bundle = copy.deepcopy(bundle)
    target = bundle
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return bundle


def _drop(bundle: dict, path: tuple) -> dict:
    bundle = copy.deepcopy(bundle)
    target = bundle
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return bundle


BASE = load_template("icbc_treasure_dig")
WINDOW = ("schedule", "windows", 0)
BROKEN = {
    "bad time zone": (_set(BASE, ("schedule", "timezone"), "Asia/Shanghia"), "schedule.timezone"),
    "host-only zone name": (_set(BASE, ("schedule", "timezone"), "localtime"), "schedule.timezone"),
    "bad weekday": (
        _set(BASE, (*WINDOW, "weekly", "days"), ["fri", "fry"]),
        "schedule.windows[0].weekly.days[1]",
    ),
    "negative stock": (_set(BASE, ("prizes", 0, "stock"), -1), "prizes[0].stock"),
    "unknown reward kind": (
        _set(BASE, ("prizes", 0, "reward"), {"kind": "cash"}),
        "prizes[0].reward.kind",
    ),
    "reward field of another kind": (
        _set(BASE, ("prizes", 0, "reward"), {"kind": "points", "amount": 5, "pool": "p"}),
        "prizes[0].reward.pool",
    ),
    "fixed red packet without amount": (
        _set(BASE, ("prizes", 0, "reward"), {"kind": "red_packet", "mode": "fixed"}),
        "prizes[0].reward.amount",
    ),
    "points amount 0": (
        _set(BASE, ("prizes", 0, "reward"), {"kind": "points", "amount": 0}),
        "prizes[0].reward.amount",
    ),
    "bad end time": (
        _set(BASE, (*WINDOW, "weekly", "end"), "24:30"),
        "schedule.windows[0].weekly.end",
    ),
    "bad start date": (_set(BASE, ("schedule", "starts_at"), "next monday"), "schedule.starts_at"),
    "month 13": (_set(BASE, ("schedule", "ends_at"), "2026-13-01T00:00:00"), "schedule.ends_at"),
    "two window shapes": (
        _set(
            BASE, (*WINDOW, "dates"), {"from": "2026-11-01T00:00:00", "to": "2026-11-02T00:00:00"}
        ),
        "schedule.windows[0]",
    ),
    "window without shape": (_drop(BASE, (*WINDOW, "weekly")), "schedule.windows[0]"),
    "monthly day 32": (
        _set(BASE, WINDOW, {"id": "w", "monthly": {"days": [32]}}),
        "schedule.windows[0].monthly.days[0]",
    ),
    "missing schedule": (_drop(BASE, ("schedule",)), "schedule"),
    "unknown field": (_set(BASE, ("wieght",), 1), "wieght"),
    "bad slug": (_set(BASE, ("slug",), "Dig!"), "slug"),
    "wrong format": (_set(BASE, ("format",), "campaign-bundle/2"), "format"),
    "negative initial chances": (
        _set(BASE, ("chances", "kinds", 0, "initial"), -1),
        "chances.kinds[0].initial",
    ),
    "weight as text": (_set(BASE, ("prizes", 0, "weight"), "1"), "prizes[0].weight"),
    "fallback as text": (_set(BASE, ("prizes", 0, "fallback"), "yes"), "prizes[0].fallback"),
    "boost factor 0": (
        _set(BASE, ("odds", "boosts"), [{"window": "crazy", "prizes": ["x"], "factor": 0}]),
        "odds.boosts[0].factor",
    ),
    "boost prize key as a list": (  # once a TypeError (unhashable) out of validate_bundle
        _set(BASE, ("odds", "boosts"), [{"window": "w", "prizes": [["x"]], "factor": 2}]),
        "odds.boosts[0].prizes[0]",
    ),
    "reward kind as a list": (
        _set(BASE, ("prizes", 0, "reward"), {"kind": ["points"]}),
        "prizes[0].reward.kind",
    ),
    "unknown exhausted policy": (_set(BASE, ("odds", "exhausted"), "retry"), "odds.exhausted"),
    "draws per day 0": (
        _set(BASE, ("limits", "per_person", "draws_per_day"), 0),
        "limits.per_person.draws_per_day",
    ),
    "negative branch quota": (
        _set(BASE, ("limits", "branch_quotas"), {"SZ": -1}),
        "limits.branch_quotas.SZ",
    ),
    "rule without actions": (_set(BASE, ("rules", 0, "actions"), []), "rules[0].actions"),
    "whitelist not a list": (_set(BASE, ("audience", "whitelist"), "alice"), "audience.whitelist"),
    "empty name": (_set(BASE, ("name",), ""), "name"),
    "not an object": ([], ""),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_both_refuse_each_broken_bundle(case):
    bundle, path = BROKEN[case]
    assert path in {p.path for p in validate_bundle(bundle)}, validate_bundle(bundle)
    assert not rules_accept(bundle)
    assert not schema_accepts(bundle)


def test_the_known_gaps_are_the_documented_ones():
    """Calendar dates and cross-field ranges need Python; JSON Schema accepts them."""
    feb_30 = _set(BASE, ("schedule", "starts_at"), "2026-02-30T00:00:00")
    assert "schedule.starts_at" in {p.path for p in validate_bundle(feb_30)}
    assert schema_accepts(feb_30)
    upside_down = _set(
        BASE, ("prizes", 0, "reward"), {"kind": "red_packet", "mode": "random", "min": 5, "max": 1}
    )
    assert rules_accept(upside_down) and schema_accepts(upside_down)
    assert "calendar dates" in SCHEMA["description"]


def test_an_untranslatable_validator_stops_the_generator():
    gen = json_schema.Generator()
    assert gen._typed(StrictInt(validate=validate.Range(min=2, max=9))) == {
        "type": "integer",
        "minimum": 2,
        "maximum": 9,
    }
    assert gen._typed(fields.List(StrictInt(), validate=validate.Length(max=3))) == {
        "type": "array",
        "items": {"type": "integer"},
        "maxItems": 3,
    }
    with pytest.raises(UntranslatedValidator):
        gen._typed(StrictInt(validate=lambda v: v != 7))
    with pytest.raises(UntranslatedValidator, match="Email"):
        gen._typed(fields.Email())


# -- generated mutations --------------------------------------------------------------------

_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1,
    3,
    2.5,
    1e9,
    "",
    "x",
    "mon",
    "fry",
    "20:00",
    "25:00",
    "Asia/Shanghai",
    "Mars/Olympus",
    "2026-11-01T00:00:00",
    "2026-11-01",
    "fixed",
    "points",
    [],
    ["mon"],
    [1, 32],
    ["x"],
    {},
    {"kind": "points", "amount": 1},
    {"kind": "none"},
    {"weekly": {"days": ["sat"], "start": "10:00", "end": "11:00"}, "id": "w"},
]
VALUES = st.sampled_from(_VALUES).map(copy.deepcopy)  # never share one object twice


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _skip(path: tuple) -> bool:
    # conditions and widget config: checked by the catalogue and the widget, not the schema
    return "conditions" in path or "config" in path


@st.composite
def mutated(draw):
    bundle = load_template(draw(st.sampled_from(list_templates())))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(bundle) if p and not _skip(p)]
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["set", "drop", "add"]))
        parent = bundle
        for key in path[:-1]:
            parent = parent[key]
        if action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["bogus", "weight", "stock", "kind", "id"]))] = draw(VALUES)
        else:
            parent[path[-1]] = draw(VALUES)
    return bundle


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_both_agree_on_generated_bundles(bundle):
    assert schema_accepts(bundle) == rules_accept(bundle), (
        [e.message for e in VALIDATOR.iter_errors(bundle)][:3],
        [(p.path, p.code) for p in validate_bundle(bundle)][:3],
    )
