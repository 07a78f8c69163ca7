"""Reference tables for docs/bundle.md, rendered from the catalogues and the reward kinds.

The docs carry these tables between `<!-- generated: NAME -->` and `<!-- end generated -->`
markers; `scripts/generate_docs.py` rewrites them and a test fails when a doc is stale, so
the reference a newcomer reads is the vocabulary `rules` checks.
"""

from __future__ import annotations

import json
import re

from . import catalog
from .rewards import REWARD_KINDS, RewardField

_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[a-z_]+) [^>]*-->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)


def blocks(text: str) -> dict[str, str]:
    """The generated blocks of a document, by name."""
    return {m["name"]: m["body"] for m in _BLOCK.finditer(text)}


def replace_blocks(text: str, bodies: dict[str, str]) -> str:
    """`text` with each named block's body replaced; a block the renderers lack raises."""

    def body(match: re.Match[str]) -> str:
        return match[1] + bodies[match["name"]] + match[4]

    return _BLOCK.sub(body, text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _triggers(triggers: frozenset[str]) -> str:
    if triggers == catalog.ALL_TRIGGERS:
        return "all"
    missing = catalog.ALL_TRIGGERS - triggers
    if len(missing) < len(triggers):
        return "all but " + ", ".join(f"`{t}`" for t in catalog.TRIGGERS if t in missing)
    return ", ".join(f"`{t}`" for t in catalog.TRIGGERS if t in triggers)


def operators_table() -> str:
    rows = [
        [f"`{vtype}`", ", ".join(f"`{op}`" for op in ops), _value_kinds(ops)]
        for vtype, ops in catalog.OPERATORS.items()
    ]
    return _table(["type", "operators", "value"], rows)


_VALUE_TEXT = {
    "numeric": "a number",
    "text": "text",
    "none": "none",
    "select": "one option",
    "select_multiple": "a list of options",
}


def _value_kinds(ops: dict[str, str]) -> str:
    kinds: dict[str, list[str]] = {}
    for op, kind in ops.items():
        kinds.setdefault(_VALUE_TEXT[kind], []).append(op)
    if len(kinds) == 1:
        return next(iter(kinds))
    return "; ".join(f"{text} ({', '.join(ops)})" for text, ops in kinds.items())


def variables_table() -> str:
    rows = []
    for v in catalog.VARIABLES.values():
        if v.name == "active_windows":
            options = "the bundle's window ids"
        elif v.name in ("badges", "badge_earned"):
            options = "the bundle's badges (task keys)"
        elif v.options:
            options = ", ".join(map(str, v.options)) + (" (or any)" if v.open_options else "")
        else:
            options = ""
        rows.append(
            [f"`{v.name}`", f"`{v.type}`", _triggers(v.triggers), options,
             f"{v.label_zh} / {v.label_en}"]
        )  # fmt: skip
    return _table(["variable", "type", "triggers", "options", "label"], rows)


def _param(p: catalog.Param) -> str:
    text = f"`{p.name}`: {p.type}"
    return text if p.required else f"{text} = {json.dumps(p.default, ensure_ascii=False)}"


def actions_table() -> str:
    rows = [
        [f"`{a.name}`", ", ".join(_param(p) for p in a.params), _triggers(a.triggers),
         f"{a.label_zh} / {a.label_en}"]
        for a in catalog.ACTIONS.values()
    ]  # fmt: skip
    return _table(["action", "parameters", "triggers", "label"], rows)


def _field(f: RewardField) -> str:
    kind = "one of " + "/".join(f.choices) if f.choices else f.type
    if f.required:
        need = "required"
    elif f.required_when:
        need = f"required when {f.required_when[0]} = {f.required_when[1]}"
    else:
        need = "optional"
    return f"`{f.name}` ({kind}, {need})"


def reward_kinds_table() -> str:
    rows = [
        [f"`{k.key}`", ", ".join(_field(f) for f in k.fields) or "none",
         f"{k.label_zh} / {k.label_en}"]
        for k in REWARD_KINDS.values()
    ]  # fmt: skip
    return _table(["kind", "fields", "label"], rows)


def bundle_tables() -> dict[str, str]:
    """Every generated block of docs/bundle.md, by name."""
    return {
        "reward_kinds": reward_kinds_table(),
        "operators": operators_table(),
        "variables": variables_table(),
        "actions": actions_table(),
    }
