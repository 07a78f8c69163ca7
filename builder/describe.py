"""Campaign parts in words a marketer reads: rules as sentences, reward kinds, widget names."""

from __future__ import annotations

import functools
from typing import Any

WORDS = {
    "zh": {
        "when": "当{trigger}时",
        "if": ",如果{conditions}",
        "then": ",则{actions}",
        "all": " 且 ",
        "any": " 或 ",
        "sep": ";",
    },
    "en": {
        "when": "On {trigger}",
        "if": ", if {conditions}",
        "then": ": {actions}",
        "all": " and ",
        "any": " or ",
        "sep": "; ",
    },
}


@functools.cache
def catalog() -> dict[str, Any]:
    from rules import catalog as rule_catalog

    exported = rule_catalog.export()
    return {
        "triggers": {t["name"]: t for t in exported["triggers"]},
        "variables": {v["name"]: v for v in exported["catalog_variables"]},
        "actions": {a["name"]: a for a in exported["catalog_actions"]},
        "operators": exported["operator_labels"],
    }


def label(entry: dict[str, Any] | None, lang: str, fallback: str) -> str:
    return (entry or {}).get(f"label_{lang}") or fallback


def condition_text(
    node: dict[str, Any] | None, lang: str, names: dict[str, str] | None = None
) -> str:
    if not node:
        return ""
    for joiner in ("all", "any"):
        if joiner in node:
            parts = [condition_text(child, lang, names) for child in node[joiner]]
            text = WORDS[lang][joiner].join(p for p in parts if p)
            return f"({text})" if len(parts) > 1 else text
    known = catalog()
    variable = label(known["variables"].get(node.get("name")), lang, str(node.get("name")))
    operator = known["operators"].get(node.get("operator"), {}).get(lang, str(node.get("operator")))
    value = value_text(node.get("name"), node.get("value"), lang, names)
    return f"{variable} {operator}" if value is None else f"{variable} {operator} {value}"


def value_text(variable: Any, value: Any, lang: str, names: dict[str, str] | None = None) -> Any:
    """A compared value in words: the campaign's own names, then the catalogue's option labels."""
    from rules.catalog import option_label

    if isinstance(value, list):
        return "、".join(str(value_text(variable, v, lang, names)) for v in value)
    if isinstance(value, str):
        if names and value in names:
            return names[value]
        return option_label(str(variable), value, lang)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    return value


def action_text(action: dict[str, Any], lang: str, names: dict[str, str] | None = None) -> str:
    """`names` maps chance kind and prize keys to what the marketer called them."""
    entry = catalog()["actions"].get(action.get("name"))
    params = {p["name"]: p for p in (entry or {}).get("params", [])}
    names = names or {}
    details = ", ".join(
        f"{label(params.get(key), lang, key)} {names.get(str(value), value)}"
        for key, value in (action.get("params") or {}).items()
    )
    name = label(entry, lang, str(action.get("name")))
    return f"{name}({details})" if details else name


def bundle_names(bundle: dict[str, Any], lang: str) -> dict[str, str]:
    """Display names of the bundle's chance kinds, prizes, windows and badges, by key."""
    names: dict[str, str] = {}
    for kind in bundle.get("chances", {}).get("kinds", []):
        names[kind["key"]] = (
            (kind.get("name_en") if lang == "en" else None) or kind.get("name") or kind["key"]
        )
    for prize in bundle.get("prizes", []):
        names[prize["key"]] = (
            (prize.get("name_en") if lang == "en" else None) or prize.get("name") or prize["key"]
        )
    for window in bundle.get("schedule", {}).get("windows", []):
        names[window["id"]] = window.get("name") or window["id"]
    for task in bundle.get("tasks") or []:
        badge = task.get("badge") or {}
        if badge:  # a badge's key is its task's key
            names[task["key"]] = (badge.get("name_en") if lang == "en" else None) or badge["name"]
    return names


def rule_sentence(rule: dict[str, Any], lang: str, names: dict[str, str] | None = None) -> str:
    words = WORDS[lang]
    trigger = label(catalog()["triggers"].get(rule.get("trigger")), lang, str(rule.get("trigger")))
    text = words["when"].format(trigger=trigger)
    conditions = condition_text(rule.get("conditions"), lang, names)
    if conditions:
        text += words["if"].format(conditions=conditions)
    actions = words["sep"].join(action_text(a, lang, names) for a in rule.get("actions", []))
    return text + words["then"].format(actions=actions)


def reward_kind(kind: str, lang: str) -> str:
    """The reward kind's label (rules.rewards); an unknown key is shown as it is."""
    from rules.rewards import REWARD_KINDS

    found = REWARD_KINDS.get(kind)
    return found.label(lang) if found else kind


def widget_name(widget_type: str, lang: str) -> str:
    import widgets

    try:
        widget = widgets.get(widget_type)
    except KeyError:
        return widget_type
    return widget.name_zh if lang == "zh" else widget.name_en
