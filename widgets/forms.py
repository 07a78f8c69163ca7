"""Config-schema helpers: declare a widget field once, describe it for the studio's form.

Every field carries its labels and help in marshmallow `metadata`, so `form_fields(schema)` can
tell the studio what to draw (type, labels zh/en, default, choices, limits) without a second list.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

# marshmallow field class -> form control type the studio renders.
_FORM_TYPES: tuple[tuple[type[fields.Field], str], ...] = (
    (fields.Boolean, "boolean"),
    (fields.Integer, "integer"),
    (fields.Float, "number"),
    (fields.String, "text"),
    (fields.List, "list"),
    (fields.Nested, "object"),
)


def _meta(
    label_zh: str,
    label_en: str,
    help_zh: str,
    help_en: str,
    widget: str | None,
    choice_labels: dict[str, tuple[str, str]] | None = None,
    refers_to: str | None = None,
) -> dict:
    meta = {"label_zh": label_zh, "label_en": label_en, "help_zh": help_zh, "help_en": help_en}
    if widget:
        meta["widget"] = widget
    if choice_labels:
        meta["choice_labels"] = choice_labels
    if refers_to:
        meta["refers_to"] = refers_to
    return meta


def text(
    label_zh: str,
    label_en: str,
    default: str = "",
    *,
    help_zh: str = "",
    help_en: str = "",
    max_length: int = 200,
    choices: tuple[str, ...] | None = None,
    widget: str | None = None,
    choice_labels: dict[str, tuple[str, str]] | None = None,
    refers_to: str | None = None,
) -> fields.String:
    """A text setting; `refers_to` ("chance_kind" or "prize") marks the key of one of the
    campaign's chance kinds or prizes (the studio can offer them; saving checks it exists)."""
    checks: list[Any] = [validate.Length(max=max_length)]
    if choices:
        checks.append(validate.OneOf(choices))
    return fields.String(
        load_default=default,
        dump_default=default,
        validate=checks,
        metadata=_meta(label_zh, label_en, help_zh, help_en, widget, choice_labels, refers_to),
    )


def integer(
    label_zh: str,
    label_en: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    help_zh: str = "",
    help_en: str = "",
) -> fields.Integer:
    return fields.Integer(
        load_default=default,
        dump_default=default,
        strict=True,
        validate=validate.Range(min=minimum, max=maximum),
        metadata=_meta(label_zh, label_en, help_zh, help_en, None),
    )


def number(
    label_zh: str,
    label_en: str,
    default: float,
    *,
    minimum: float = 0,
    maximum: float | None = None,
    help_zh: str = "",
    help_en: str = "",
) -> fields.Float:
    return fields.Float(
        load_default=default,
        dump_default=default,
        validate=validate.Range(min=minimum, max=maximum),
        metadata=_meta(label_zh, label_en, help_zh, help_en, None),
    )


def boolean(
    label_zh: str, label_en: str, default: bool, *, help_zh: str = "", help_en: str = ""
) -> fields.Boolean:
    return fields.Boolean(
        load_default=default,
        dump_default=default,
        metadata=_meta(label_zh, label_en, help_zh, help_en, None),
    )


def int_list(
    label_zh: str,
    label_en: str,
    default: list[int],
    *,
    minimum: int,
    maximum: int,
    help_zh: str = "",
    help_en: str = "",
) -> fields.List:
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(minimum, maximum)),
        load_default=lambda: list(default),
        dump_default=lambda: list(default),
        metadata=_meta(label_zh, label_en, help_zh, help_en, None),
    )


def object_list(
    schema: type[Schema],
    label_zh: str,
    label_en: str,
    default: list[dict],
    *,
    min_items: int = 0,
    max_items: int = 50,
    help_zh: str = "",
    help_en: str = "",
) -> fields.List:
    return fields.List(
        fields.Nested(schema),
        validate=validate.Length(min_items, max_items),
        load_default=lambda: [dict(d) for d in default],
        dump_default=lambda: [dict(d) for d in default],
        metadata=_meta(label_zh, label_en, help_zh, help_en, None),
    )


THEMES = ("red", "gold", "blue", "green")
THEME_LABELS = {
    "red": ("喜庆红", "Red"),
    "gold": ("富贵金", "Gold"),
    "blue": ("科技蓝", "Blue"),
    "green": ("清新绿", "Green"),
}
LANGUAGES = ("auto", "zh", "en")
LANGUAGE_LABELS = {
    "auto": ("跟随手机语言", "Follow the phone"),
    "zh": ("中文", "Chinese"),
    "en": ("英文", "English"),
}


def theme_field() -> fields.String:
    return text(
        "配色",
        "Colour theme",
        "red",
        choices=THEMES,
        widget="select",
        choice_labels=THEME_LABELS,
        help_zh="页面主色调",
        help_en="Main colour of the page",
    )


def language_field() -> fields.String:
    return text(
        "页面语言",
        "Page language",
        "auto",
        choices=LANGUAGES,
        widget="select",
        choice_labels=LANGUAGE_LABELS,
        help_zh="auto:按手机语言显示中文或英文",
        help_en="auto: Chinese or English following the phone's language",
    )


def form_fields(schema: Schema) -> list[dict[str, Any]]:
    """Describe every field of `schema` for a form: name, type, labels, default, choices."""
    return [_describe(name, field) for name, field in schema.fields.items()]


def _describe(name: str, field: fields.Field) -> dict[str, Any]:
    meta = field.metadata
    entry: dict[str, Any] = {
        "name": name,
        "type": meta.get("widget") or _form_type(field),
        "label_zh": meta.get("label_zh", name),
        "label_en": meta.get("label_en", name),
        "help_zh": meta.get("help_zh", ""),
        "help_en": meta.get("help_en", ""),
        "required": field.required,
        "default": _default(field),
    }
    if meta.get("choice_labels"):
        entry["choice_labels"] = {k: list(v) for k, v in meta["choice_labels"].items()}
    if meta.get("refers_to"):
        entry["refers_to"] = meta["refers_to"]
    entry.update(_limits(field))
    if isinstance(field, fields.List):
        inner = field.inner
        if isinstance(inner, fields.Nested):
            entry["type"] = "object_list"
            entry["item_fields"] = form_fields(inner.schema)
        else:
            entry["item_type"] = _form_type(inner)
            entry.update({f"item_{k}": v for k, v in _limits(inner).items()})
    return entry


def _form_type(field: fields.Field) -> str:
    for cls, name in _FORM_TYPES:
        if isinstance(field, cls):
            return name
    return "text"


def _default(field: fields.Field) -> Any:
    value = field.load_default
    return value() if callable(value) else value


def _limits(field: fields.Field) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for check in field.validators:
        if isinstance(check, validate.OneOf):
            out["choices"] = list(check.choices)
        elif isinstance(check, validate.Range):
            if check.min is not None:
                out["min"] = check.min
            if check.max is not None:
                out["max"] = check.max
        elif isinstance(check, validate.Length):
            key = "items" if isinstance(field, fields.List) else "length"
            if check.min is not None:
                out[f"min_{key}"] = check.min
            if check.max is not None:
                out[f"max_{key}"] = check.max
    return out


class PageSchema(Schema):
    """Options every widget page has; widget schemas extend it."""

    class Meta:
        unknown = "raise"

    theme = theme_field()
    language = language_field()
    headline = text(
        "宣传语",
        "Headline",
        "",
        max_length=60,
        help_zh="显示在活动名称下方的一句话",
        help_en="One line under the campaign name",
    )
