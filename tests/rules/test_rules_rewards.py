"""Reward kinds are defined once (rules.rewards): every copy derives from REWARD_KINDS, and a
kind's JSON Schema and `check_reward` agree on good and bad configs."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.rewards import (
    REWARD_FIELDS,
    REWARD_KIND_KEYS,
    REWARD_KINDS,
    check_reward,
    normalise_reward,
)
from tests.reward_configs import CASES, valid_config


def problems(reward: dict) -> list[tuple[str, str]]:
    return [(path, code) for path, code, _, _ in check_reward(reward, "r")]


def schema_accepts(kind_schema: dict, reward: dict) -> bool:
    return jsonschema.Draft202012Validator(kind_schema).is_valid(reward)


def test_the_kinds_are_the_ones_every_copy_lists():
    from builder.describe import reward_kind
    from core.models.ledger import REWARD_KINDS as LEDGER_KINDS
    from runtime.issuance.issuers import default_registry
    from runtime.issuance.settings import ALL_KINDS

    assert LEDGER_KINDS == ALL_KINDS == REWARD_KIND_KEYS == tuple(REWARD_KINDS)
    assert default_registry().keys() == sorted(REWARD_KINDS)
    assert set(REWARD_FIELDS) == set(REWARD_KINDS)
    for kind in REWARD_KINDS.values():
        assert reward_kind(kind.key, "zh") == kind.label_zh
        assert reward_kind(kind.key, "en") == kind.label_en


@pytest.mark.parametrize("kind", list(REWARD_KINDS))
def test_a_complete_config_is_valid_everywhere(kind):
    config = valid_config(kind)
    assert problems(config) == []
    assert schema_accepts(REWARD_KINDS[kind].json_schema(), config)
    jsonschema.Draft202012Validator.check_schema(REWARD_KINDS[kind].json_schema())


@pytest.mark.parametrize(("kind", "config", "field", "code"), CASES)
def test_each_bad_field_is_refused_by_check_and_schema(kind, config, field, code):
    assert (f"r.{field}", code) in problems(config)
    assert not schema_accepts(REWARD_KINDS[kind].json_schema(), config)


@pytest.mark.parametrize("kind", [None, [], {}, 5, ["points"]])
def test_a_kind_that_is_not_text_is_an_unknown_kind(kind):
    """A list as kind once raised TypeError (unhashable) out of validate_bundle."""
    assert problems({"kind": kind, "amount": 5}) == [("r.kind", "unknown_reward_kind")]


def test_cross_field_range_is_checked_where_json_schema_cannot():
    upside_down = {"kind": "red_packet", "mode": "random", "min": 5, "max": 1}
    assert problems(upside_down) == [("r.max", "range")]
    assert schema_accepts(REWARD_KINDS["red_packet"].json_schema(), upside_down)


def test_whole_numbers_written_as_floats_are_normalised():
    reward = {"kind": "points", "amount": 3.0, "valid_days": 30.0}
    assert problems(reward) == []
    assert normalise_reward(reward) == {"kind": "points", "amount": 3, "valid_days": 30}
    assert type(normalise_reward(reward)["amount"]) is int


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 5),
    st.floats(-3, 5),
    st.sampled_from(["", " ", "x", "random", "fixed", "P1"]),
    st.lists(st.integers(), max_size=1),
)


@st.composite
def rewards(draw):
    kind = draw(st.sampled_from([*REWARD_KINDS, "cash"]))
    names = [f.name for f in REWARD_KINDS[kind].fields] if kind in REWARD_KINDS else []
    keys = draw(st.lists(st.sampled_from([*names, "amount", "mode", "bogus"]), unique=True))
    return {"kind": kind, **{k: draw(_VALUES) for k in keys}}


@settings(max_examples=400, deadline=None)
@given(rewards())
def test_json_schema_and_check_reward_agree_on_generated_rewards(reward):
    schema = {"oneOf": [k.json_schema() for k in REWARD_KINDS.values()]}
    found = [code for _, code in problems(reward) if code != "range"]
    assert schema_accepts(schema, reward) == (not found), (reward, found)
