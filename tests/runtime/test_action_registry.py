"""The rule-action registry's contract: every catalogue action has exactly one handler that
takes the catalogue's parameters with their declared types, and nothing is silently dropped."""

from __future__ import annotations

import typing

import pytest
from sqlalchemy import select

from core import create_app
from core.errors import ApiProblem
from core.models import ChanceEntry, OddsBoost, Reward, utcnow
from rules import catalog
from runtime import actions, loader
from runtime.action_registry import (
    ActionRegistry,
    ActionRegistryError,
    DuplicateAction,
    MissingHandlers,
    UnknownAction,
)
from runtime.actions import default_registry, stage_actions
from runtime.members import ensure_participant
from tests.runtime.conftest import base_bundle, publish

REGISTRY = default_registry()


@pytest.mark.parametrize("name", list(catalog.ACTIONS))
def test_every_catalogue_action_has_a_handler_typed_by_the_catalogue(name):
    handler = REGISTRY.handler(name)
    hints = typing.get_type_hints(handler)
    for param in catalog.ACTIONS[name].params:
        declared = hints[param.name]
        declared = typing.get_origin(declared) or declared
        assert declared is catalog.PARAM_VALUE_TYPES[param.type], (name, param.name)


def test_every_parameter_type_has_a_python_type():
    assert set(catalog.PARAM_VALUE_TYPES) == set(catalog.PARAM_FIELD_TYPES)
    used = {p.type for a in catalog.ACTIONS.values() for p in a.params}
    assert used <= set(catalog.PARAM_VALUE_TYPES)


def test_registry_refuses_duplicates_unknown_names_and_other_parameters():
    registry = ActionRegistry()
    registry.register("send_message", actions.send_message)
    with pytest.raises(DuplicateAction, match="send_message"):
        registry.register("send_message", actions.send_message)
    with pytest.raises(UnknownAction, match="launch_rocket"):
        registry.register("launch_rocket", actions.send_message)
    with pytest.raises(ActionRegistryError, match="catalogue declares"):
        registry.register("deny", actions.send_message)  # takes `text`, deny has `message`
    with pytest.raises(MissingHandlers, match="grant_chances"):
        registry.check_complete()
    with pytest.raises(UnknownAction, match="deny"):
        registry.handler("deny")


def test_the_runtime_refuses_to_start_when_an_action_has_no_handler(app_config, monkeypatch):
    def incomplete() -> ActionRegistry:
        registry = ActionRegistry()
        registry.register("deny", actions.deny)
        return registry

    monkeypatch.setattr(actions, "default_registry", incomplete)
    actions.registry.cache_clear()
    try:
        with pytest.raises(MissingHandlers, match="grant_chances"):
            create_app(app_config)
    finally:
        actions.registry.cache_clear()


@pytest.fixture
def staged(app, db, channel):
    """Stage actions for one participant of a published campaign; returns the Effects."""
    from runtime.auth import Principal

    publish(base_bundle())
    _, live = loader.load("test-draw")
    pid = ensure_participant(Principal(channel.id, channel.key, "p", {}))

    def run(name: str, params: dict):
        return stage_actions(live, pid, [(name, params)], f"test:{name}", utcnow())

    return run


def _sample(param: catalog.Param):
    return {
        "integer": 2,
        "number": 1.5,
        "text": "hello",
        "prize": "iphone",
        "prizes": ["iphone"],
        "chance_kind": "gold",
    }[param.type]


@pytest.mark.parametrize("name", list(catalog.ACTIONS))
def test_every_action_has_an_effect(staged, db, name):
    """Applied through the runtime, each catalogue action leaves a trace (no silent no-op)."""
    params = {p.name: _sample(p) for p in catalog.ACTIONS[name].params if p.required}
    if name == "deny":
        with pytest.raises(ApiProblem) as refused:
            staged(name, params)
        assert refused.value.code == "denied" and refused.value.detail == "hello"
        return
    effects = staged(name, params)
    rows = db.session.new
    summary = effects.to_dict()
    assert rows or any(summary[k] for k in summary), (name, summary)


def test_handlers_receive_catalogue_typed_values(staged, db):
    """JSON gives 2.0 for a count and 3 for a factor; handlers get int and float."""
    effects = staged("grant_chances", {"kind": "gold", "count": 2.0})
    entry = next(r for r in db.session.new if isinstance(r, ChanceEntry))
    assert type(entry.delta) is int and effects.chances == {"gold": 2}
    staged("boost_odds", {"prizes": ["iphone"], "factor": 3, "minutes": 5})
    boost = next(r for r in db.session.new if isinstance(r, OddsBoost))
    assert type(boost.factor) is float
    staged("award_points", {"amount": 10})  # note is optional: the catalogue default applies
    reward = next(r for r in db.session.new if isinstance(r, Reward))
    assert reward.payload == {"amount": 10}


def test_an_action_without_a_handler_raises_instead_of_being_dropped(staged, db, monkeypatch):
    registry = ActionRegistry()
    registry.register("send_message", actions.send_message)
    monkeypatch.setattr(actions, "registry", lambda: registry)
    with pytest.raises(UnknownAction, match="grant_chances"):
        staged("grant_chances", {"kind": "gold", "count": 1})
    db.session.rollback()
    assert db.session.scalars(select(ChanceEntry)).all() == []
