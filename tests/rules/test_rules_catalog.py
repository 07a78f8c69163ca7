"""Catalog export for the studio's rule builder."""

from __future__ import annotations

import inspect
import json

from rules import catalog
from rules.engine_adapter import catalog_actions_class, catalog_variables_class


def test_export_is_json_and_complete():
    data = json.loads(json.dumps(catalog.export()))
    assert {v["name"] for v in data["variables"]} == set(catalog.VARIABLES)
    assert {a["name"] for a in data["actions"]} == set(catalog.ACTIONS)
    assert set(data["variable_type_operators"]) == set(catalog.OPERATORS)
    assert [t["name"] for t in data["triggers"]] == list(catalog.TRIGGERS)
    assert "transaction_amount" in data["variables_by_trigger"]["transaction"]
    assert "transaction_amount" not in data["variables_by_trigger"]["share"]
    assert "deny" not in data["actions_by_trigger"]["transaction"]
    assert all(v["label_zh"] and v["label_en"] for v in data["catalog_variables"])


def test_catalog_operators_match_business_rules():
    exported = catalog.export()["variable_type_operators"]
    for vtype, ops in catalog.OPERATORS.items():
        assert {o["name"]: o["input_type"] for o in exported[vtype]} == ops


def test_action_classes_mirror_catalog_params():
    actions = catalog_actions_class()
    for name, spec in catalog.ACTIONS.items():
        params = list(inspect.signature(getattr(actions, name)).parameters)[1:]
        assert params == [p.name for p in spec.params]
    assert len(catalog_variables_class().get_all_variables()) == len(catalog.VARIABLES)
