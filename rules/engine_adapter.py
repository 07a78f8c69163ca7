"""business-rules classes generated from the catalogs: for export_rule_data and as the reference
engine the compiled evaluator is checked against (tests, bench). Not used on the hot path."""

from __future__ import annotations

from functools import cache
from typing import Any

from business_rules.actions import BaseActions, rule_action
from business_rules.engine import do_actions, run_all
from business_rules.variables import BaseVariables, rule_variable

from . import catalog
from .values import coerce_variable


def _operator_types() -> dict[str, type]:
    from business_rules import operators as ops

    return {
        catalog.NUMERIC: ops.NumericType,
        catalog.STRING: ops.StringType,
        catalog.BOOLEAN: ops.BooleanType,
        catalog.SELECT: ops.SelectType,
        catalog.SELECT_MULTIPLE: ops.SelectMultipleType,
    }


def _variable_method(var: catalog.Variable) -> Any:
    def method(self: Any) -> Any:
        return coerce_variable(var, self._values.get(var.name))

    method.__name__ = var.name
    return rule_variable(
        _operator_types()[var.type], label=var.label_en, options=list(var.options)
    )(method)


@cache
def catalog_variables_class() -> type:
    """A BaseVariables subclass with one rule variable per catalog entry, reading a dict."""
    attrs: dict[str, Any] = {v.name: _variable_method(v) for v in catalog.VARIABLES.values()}

    def __init__(self: Any, values: dict[str, Any]) -> None:
        self._values = values

    attrs["__init__"] = __init__
    return type("CatalogVariables", (BaseVariables,), attrs)


def _action_method(action: catalog.Action) -> Any:
    args = ", ".join(p.name if p.required else f"{p.name}={p.default!r}" for p in action.params)
    kv = ", ".join(f"{p.name!r}: {p.name}" for p in action.params)
    namespace: dict[str, Any] = {}
    # Names come from the static catalog (identifiers), never from user input.
    exec(
        f"def {action.name}(self, {args}):\n    self.fired.append(({action.name!r}, {{{kv}}}))",
        namespace,
    )
    params = {p.name: catalog.PARAM_FIELD_TYPES[p.type] for p in action.params}
    return rule_action(label=action.label_en, params=params)(namespace[action.name])


@cache
def catalog_actions_class() -> type:
    """A BaseActions subclass recording each fired action as (name, params) in `.fired`."""
    attrs: dict[str, Any] = {a.name: _action_method(a) for a in catalog.ACTIONS.values()}

    def __init__(self: Any) -> None:
        self.fired = []

    attrs["__init__"] = __init__
    return type("CatalogActions", (BaseActions,), attrs)


def reference_run(
    rules: list[dict[str, Any]], variables: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """Run validated rules with business-rules' own engine; returns the fired actions in order.

    Rules without conditions fire unconditionally (business-rules cannot express that)."""
    defined_variables = catalog_variables_class()(variables)
    defined_actions = catalog_actions_class()()
    for rule in rules:
        if rule.get("conditions") is None:
            do_actions(rule["actions"], defined_actions)
        else:
            run_all([rule], defined_variables, defined_actions)
    return defined_actions.fired
