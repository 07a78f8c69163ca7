"""The settings table of each widget for docs/widgets.md, rendered from `form_fields()`: the
same description the studio draws its form from, so the doc lists what the form offers."""

from __future__ import annotations

import json
from typing import Any


def _limits(field: dict[str, Any]) -> str:
    parts = []
    for key in ("choices", "item_choices"):
        if key in field:
            parts.append(" / ".join(f"`{c}`" for c in field[key]))
    for low, high, unit in (
        ("min", "max", ""),
        ("min_length", "max_length", " chars"),
        ("min_items", "max_items", " items"),
        ("item_min", "item_max", " each"),
    ):
        lo, hi = field.get(low), field.get(high)
        if lo is not None and hi is not None:
            parts.append(f"{lo}-{hi}{unit}")
        elif lo is not None:
            parts.append(f">= {lo}{unit}")
        elif hi is not None:
            parts.append(f"<= {hi}{unit}")
    return ", ".join(parts)


def _default(field: dict[str, Any]) -> str:
    value = field["default"]
    if field["type"] == "object_list":
        return f"{len(value)} items"
    if value in ("", None):
        return ""
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _type(field: dict[str, Any]) -> str:
    if field["type"] == "list":
        return f"list of {field.get('item_type', 'text')}"
    return field["type"].replace("_", " ")


def _row(field: dict[str, Any], prefix: str = "") -> str:
    help_text = field["help_en"] or field["help_zh"]
    cells = [
        f"`{prefix}{field['name']}`",
        _type(field),
        _default(field),
        _limits(field),
        f"{field['label_zh']} / {field['label_en']}",
        help_text,
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def settings_table(form_fields: list[dict[str, Any]]) -> str:
    """One widget's settings, item fields of a list as `list[].field` rows."""
    lines = [
        "| setting | type | default | limits | label | help |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for field in form_fields:
        lines.append(_row(field))
        for item in field.get("item_fields", []):
            lines.append(_row(item, f"{field['name']}[]."))
    return "\n".join(lines) + "\n"


def settings_tables() -> str:
    """Every registered widget's settings, in registry order."""
    import widgets

    sections = []
    for widget in widgets.enabled([]):
        sections.append(
            f"### `{widget.type}` {widget.name_zh} {widget.name_en}\n\n"
            + settings_table(widget.form_fields())
        )
    return "\n".join(sections)
