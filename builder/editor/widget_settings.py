"""Widget settings: a form generated from the widget's config schema (`Widget.form_fields()`),
so a setting is declared once, with its labels, help and limits, in the widget plugin."""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    validators,
)

import widgets
from builder.editor.base import EditContext, EditorForm, RowForm, Section, next_key
from builder.editor.fields import CheckboxesField, lines_to_list, rows
from builder.i18n import N_, translate

PREFIX = "cfg_"
_CONFIG_PATH = re.compile(r"^widget\.config\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")


def _label(spec: dict[str, Any], ctx: EditContext) -> tuple[str, str]:
    return ctx.pick(spec["label_zh"], spec["label_en"]), ctx.pick(
        spec.get("help_zh", ""), spec.get("help_en", "")
    )


def _range(spec: dict[str, Any], prefix: str = "") -> list[Any]:
    low, high = spec.get(f"{prefix}min"), spec.get(f"{prefix}max")
    if low is None and high is None:
        return []
    return [validators.NumberRange(min=low, max=high)]


def _choices(spec: dict[str, Any], ctx: EditContext) -> list[tuple[str, str]]:
    labels = spec.get("choice_labels") or {}
    return [(c, ctx.pick(*labels[c]) if c in labels else str(c)) for c in spec["choices"]]


def config_field(spec: dict[str, Any], ctx: EditContext) -> Field:
    """One WTForms field for one described config field."""
    label, help_text = _label(spec, ctx)
    kind = spec["type"]
    if spec.get("choices"):
        return SelectField(label, choices=_choices(spec, ctx), description=help_text)
    if spec.get("refers_to") in ("chance_kind", "prize"):
        own = ctx.kinds() if spec["refers_to"] == "chance_kind" else ctx.prizes()
        return SelectField(label, choices=[("", "—"), *own], description=help_text)
    if kind == "boolean":
        return BooleanField(label, description=help_text)
    if kind == "integer":
        return IntegerField(
            label, [validators.InputRequired(), *_range(spec)], description=help_text
        )
    if kind == "number":
        return FloatField(
            label,
            [validators.InputRequired(), *_range(spec)],
            description=help_text,
            render_kw={"step": "any"},
        )
    if kind == "list" and spec.get("item_type") == "integer":
        if (spec.get("item_min"), spec.get("item_max")) == (1, 31):
            return CheckboxesField(
                label, choices=[(str(d), str(d)) for d in range(1, 32)], description=help_text
            )
        return StringField(label, description=help_text or translate("Separate with commas."))
    if kind == "object_list":
        row = type(
            "ItemRow",
            (RowForm,),
            {
                PREFIX + item["name"]: HiddenField()
                if item["name"] == "id"
                else config_field(item, ctx)
                for item in spec["item_fields"]
            },
        )
        return rows(row, label, description=help_text)
    length = [validators.Length(max=spec["max_length"])] if spec.get("max_length") else []
    return StringField(label, [validators.Optional(), *length], description=help_text)


def to_form_value(spec: dict[str, Any], value: Any) -> Any:
    if spec["type"] == "list" and spec.get("item_type") == "integer":
        if (spec.get("item_min"), spec.get("item_max")) == (1, 31):
            return [str(v) for v in value or []]
        return ", ".join(str(v) for v in value or [])
    if spec["type"] == "object_list":
        return [
            {
                PREFIX + item["name"]: to_form_value(item, entry.get(item["name"]))
                for item in spec["item_fields"]
            }
            for entry in value or []
        ]
    return value


def from_form_value(spec: dict[str, Any], value: Any, old: Any = None) -> Any:
    if spec["type"] == "list" and spec.get("item_type") == "integer":
        items = value if isinstance(value, list) else lines_to_list(value)
        try:
            return (
                sorted({int(v) for v in items})
                if spec.get("item_max") == 31
                else [int(v) for v in items]
            )
        except ValueError:
            return items  # refused by the widget's schema, with the field's path
    if spec["type"] == "object_list":
        olds = old if isinstance(old, list) else []
        rows = []
        for index, row in enumerate(value or []):
            before = olds[index] if index < len(olds) and isinstance(olds[index], dict) else {}
            entry = {}
            for item in spec["item_fields"]:
                item_value = from_form_value(item, row[PREFIX + item["name"]])
                if item["name"] in before or item_value != item.get("default"):
                    entry[item["name"]] = item_value
            rows.append(entry)
        if any(item["name"] == "id" for item in spec["item_fields"]):
            taken = {row["id"] for row in rows if row.get("id")}
            for row in rows:
                if not row.get("id"):
                    row["id"] = next_key("item", taken).replace("-", "")
                    taken.add(row["id"])
        return rows
    if spec["type"] == "text" and value is None:
        return ""
    return value


class WidgetSection(Section):
    key = "widget"
    title = N_("Widget settings")
    help = N_("What the participant page looks like and says.")
    template = "widget"
    prefixes = ("widget",)

    def specs(self, bundle: dict[str, Any]) -> list[dict[str, Any]]:
        return widgets.get(bundle["widget"]["type"]).form_fields()

    def form_class(self, ctx: EditContext):
        attrs = {PREFIX + s["name"]: config_field(s, ctx) for s in self.specs(ctx.bundle)}
        return type("WidgetForm", (EditorForm,), attrs)

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        config = bundle["widget"].get("config") or {}
        return {
            PREFIX + s["name"]: to_form_value(s, config.get(s["name"], s.get("default")))
            for s in self.specs(bundle)
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        config = dict(bundle["widget"].get("config") or {})
        for spec in self.specs(bundle):
            value = from_form_value(spec, data[PREFIX + spec["name"]], config.get(spec["name"]))
            if spec["name"] not in config and value == spec.get("default"):
                continue  # an untouched default stays implicit, as the bundle had it
            config[spec["name"]] = value
        bundle["widget"]["config"] = config
        # the rules and limits these settings drive follow them (widgets/managed.py)
        managed = widgets.apply_managed(bundle)
        bundle["rules"], bundle["limits"] = managed["rules"], managed["limits"]

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _CONFIG_PATH.match(path)
        if not match:
            return None
        name, index, leaf = match.groups()
        if index is not None and leaf:
            return f"{PREFIX}{name}-{index}-{PREFIX}{leaf}"
        return PREFIX + name

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        widget = widgets.get(bundle["widget"]["type"])
        config = bundle["widget"].get("config") or {}
        shown = []
        for spec in self.specs(bundle)[:6]:
            value = config.get(spec["name"])
            if spec["type"] == "object_list":
                value = len(value or [])
            elif spec.get("choices"):
                labels = dict(_choices(spec, ctx))
                value = labels.get(value, value)
            elif spec.get("refers_to"):
                own = dict(ctx.kinds() if spec["refers_to"] == "chance_kind" else ctx.prizes())
                value = own.get(value, value)
            elif isinstance(value, bool):
                value = translate("yes") if value else translate("no")
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            if value not in (None, ""):
                shown.append(f"{_label(spec, ctx)[0]} {value}")
        return f"{ctx.pick(widget.name_zh, widget.name_en)}: " + "; ".join(shown)
