"""The rule builder's mapping between business-rules conditions and QueryBuilder's model.

business-rules `{"all": [...]}` / `{"any": [...]}` <-> `{"condition": "AND" | "OR", "rules":
[...]}`; a condition `{"name", "operator", "value"}` <-> `{"id", "field", "operator", "value"}`.
The filters (variables, labels, inputs, options) and operators come from the rule catalogue, so
the component offers exactly what `rules` accepts.
"""

from __future__ import annotations

from typing import Any

from rules import catalog

_GROUPS = {"all": "AND", "any": "OR"}
_JOINERS = {v: k for k, v in _GROUPS.items()}

# QueryBuilder value types and inputs per catalogue type.
_QB_TYPES = {
    catalog.NUMERIC: ("double", "number"),
    catalog.STRING: ("string", "text"),
    catalog.BOOLEAN: ("boolean", "radio"),
    catalog.SELECT: ("string", "select"),
    catalog.SELECT_MULTIPLE: ("string", "checkbox"),
}
_NO_VALUE = {"non_empty", "is_true", "is_false"}


def to_querybuilder(conditions: dict[str, Any] | None) -> dict[str, Any] | None:
    """business-rules conditions -> QueryBuilder rules model (None when there are none)."""
    if not conditions:
        return None
    node = _to_qb(conditions)
    if "condition" not in node:  # a single condition at the top: QB needs a group
        node = {"condition": "AND", "rules": [node]}
    return node


def _to_qb(node: dict[str, Any]) -> dict[str, Any]:
    for joiner, condition in _GROUPS.items():
        if joiner in node:
            return {"condition": condition, "rules": [_to_qb(child) for child in node[joiner]]}
    out = {"id": node["name"], "field": node["name"], "operator": node["operator"]}
    if node["operator"] not in _NO_VALUE:
        out["value"] = node.get("value")
    return out


def from_querybuilder(model: Any) -> Any:
    """QueryBuilder rules model -> business-rules conditions; an empty group means none.

    Shapes the component would never send are passed through unchanged, so `rules` reports
    them with their path instead of this function guessing.
    """
    if not model:
        return None
    if isinstance(model, dict) and not model.get("rules") and "condition" in model:
        return None
    return _from_qb(model)


def _from_qb(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if "condition" in node:
        joiner = _JOINERS.get(str(node["condition"]).upper(), "all")
        return {joiner: [_from_qb(child) for child in node.get("rules") or []]}
    name = node.get("field") or node.get("id")
    out = {"name": name, "operator": node.get("operator")}
    if node.get("operator") in _NO_VALUE:
        out["value"] = None
    else:
        out["value"] = _value(name, node.get("value"))
    return out


def _value(name: str, value: Any) -> Any:
    variable = catalog.VARIABLES.get(name)
    if variable is None:
        return value
    if variable.type == catalog.NUMERIC and isinstance(value, str):
        try:
            number = float(value.replace(",", "").replace("，", ""))
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if variable.type == catalog.SELECT_MULTIPLE and isinstance(value, str):
        return [value]
    return value


def filters(trigger: str, lang: str, choices: dict[str, list[tuple[str, str]]]) -> list[dict]:
    """QueryBuilder filters for the variables a rule on `trigger` may use.

    `choices` gives this campaign's own options for variables whose values are campaign
    names (the open time windows), as (value, label) pairs.
    """
    out = []
    for variable in catalog.variables_for(trigger):
        qb_type, qb_input = _QB_TYPES[variable.type]
        entry: dict[str, Any] = {
            "id": variable.name,
            "field": variable.name,
            "label": variable.label_zh if lang == "zh" else variable.label_en,
            "type": qb_type,
            "input": qb_input,
            "operators": list(catalog.OPERATORS[variable.type]),
        }
        options = choices.get(variable.name)
        if options is None and variable.options:
            options = [(o, catalog.option_label(variable.name, o, lang)) for o in variable.options]
        if variable.type in (catalog.SELECT, catalog.SELECT_MULTIPLE):
            if not options:  # nothing to choose (a campaign without badges): not offered
                continue
            entry["values"] = [{str(v): label} for v, label in options]
        if variable.type == catalog.BOOLEAN:
            entry["values"] = [{"true": "是" if lang == "zh" else "yes"}]
        out.append(entry)
    return out


def operators() -> list[dict[str, Any]]:
    """business-rules' operators declared to QueryBuilder as custom operators."""
    declared = {}
    families = {"double": "number", "string": "string", "boolean": "boolean"}
    for type_name, ops in catalog.OPERATORS.items():
        qb_type = families[_QB_TYPES[type_name][0]]
        for name, input_type in ops.items():
            entry = declared.setdefault(
                name,
                {
                    "type": name,
                    "nb_inputs": 0 if input_type == "none" else 1,
                    "multiple": input_type == "select_multiple",
                    "apply_to": [],
                },
            )
            if qb_type not in entry["apply_to"]:
                entry["apply_to"].append(qb_type)
    return list(declared.values())


def operator_labels(lang: str) -> dict[str, str]:
    return {
        name: (zh if lang == "zh" else en) for name, (zh, en) in catalog.OPERATOR_LABELS.items()
    }
