"""The points mall: which points pay (this campaign's or bank-wide), and one row per right
with its price, stock, limits per person and per day, validity, arrival message, the parts
it can be taken in, and its reward (a kind and that kind's fields, as for prizes). A right
customers choose from (selectable) gets option rows, each with its own reward."""

from __future__ import annotations

import re
from typing import Any

from wtforms import Form, HiddenField, IntegerField, SelectField, StringField, validators

from builder.editor.base import (
    EditContext,
    EditorForm,
    RowForm,
    Section,
    blank_to_none,
    next_key,
)
from builder.editor.fields import rows
from builder.editor.prizes import _reward_input, reward_field_name
from builder.i18n import N_, lazy, translate
from rules.limits import MAX_PARTS, MAX_PRICE, MAX_STOCK, MAX_VALID_DAYS
from rules.loyalty import MALL_REFUSED_KINDS
from rules.rewards import REWARD_KINDS

_ITEM_PATH = re.compile(r"^mall\.items\[(\d+)\](.*)$")
_CHOICE_PATH = re.compile(r"^\.choices\[(\d+)\](.*)$")
ITEM_FIELDS = (
    "name",
    "name_en",
    "description",
    "image",
    "price",
    "stock",
    "per_person_limit",
    "per_day_limit",
    "valid_days",
    "message",
    "max_quantity",
    "unit",
)
# Reward fields a right also has (`valid_days`, `message`): the reward's override the right's
# in what arrives (runtime.loyalty.exchange.reward_payload).
_RIGHT_TOO = ("valid_days", "message")
KINDS = [k for k in REWARD_KINDS.values() if k.key not in MALL_REFUSED_KINDS]


def _count(
    label: str, minimum: int, description: str = "", required: bool = False, limit=MAX_STOCK
):
    first = validators.InputRequired() if required else validators.Optional()
    return IntegerField(
        lazy(label),
        [first, validators.NumberRange(min=minimum, max=limit)],
        description=lazy(description) if description else "",
    )


def _reward_fields(ctx: EditContext) -> dict[str, Any]:
    """The reward select and each kind's fields (editor.js shows the chosen kind's)."""
    fields: dict[str, Any] = {
        "reward_kind": SelectField(
            lazy("Reward"),
            choices=[(k.key, ctx.pick(k.label_zh, k.label_en)) for k in KINDS],
            render_kw={"data-reward-kind": "1"},
        )
    }
    for kind in KINDS:
        for spec in kind.fields:
            field = _reward_input(spec, ctx)
            if spec.name in _RIGHT_TOO:  # the right has its own: say which one this is
                label = translate("{field} (the reward's own)").format(field=field.args[0])
                field.args = (label, *field.args[1:])
                field.kwargs["description"] = translate(
                    "What the customer receives instead of the right's; leave empty to use "
                    "the right's."
                )
            fields[reward_field_name(kind.key, spec.name)] = field
    return fields


def item_row_form(ctx: EditContext) -> type[Form]:
    attrs: dict[str, Any] = {
        "key": HiddenField(),
        "name": StringField(lazy("Right"), [validators.InputRequired(), validators.Length(max=60)]),
        "name_en": StringField(
            lazy("English name"), [validators.Optional(), validators.Length(max=80)]
        ),
        "description": StringField(
            lazy("Description"), [validators.Optional(), validators.Length(max=120)]
        ),
        "image": StringField(
            lazy("Picture URL"),
            [validators.Optional(), validators.Length(max=500)],
            description=lazy("The address of the right's picture (https://...); may be empty."),
        ),
        "price": _count(N_("Price (points)"), 1, required=True, limit=MAX_PRICE),
        "stock": _count(N_("Stock"), 0, N_("Leave empty for unlimited.")),
        "per_person_limit": _count(N_("Per person at most"), 1, N_("Leave empty for no cap.")),
        "per_day_limit": _count(N_("Per person per day at most"), 1, N_("Leave empty for no cap.")),
        "valid_days": _count(
            N_("Validity shown in the mall (days)"),
            1,
            N_("On the mall page; the reward gets it too unless the reward sets its own below."),
            limit=MAX_VALID_DAYS,
        ),
        "message": StringField(
            lazy("Arrival message shown in the mall"),
            [validators.Optional(), validators.Length(max=120)],
            description=lazy(
                "On the mall page; the customer receives it unless the reward sets its own below."
            ),
        ),
        "max_quantity": IntegerField(
            lazy("Parts per exchange at most"),
            [validators.InputRequired(), validators.NumberRange(min=1, max=MAX_PARTS)],
            description=lazy("More than 1: a splittable right the customer takes in parts."),
            default=1,
        ),
        "unit": StringField(
            lazy("One part is"),
            [validators.Optional(), validators.Length(max=16)],
            description=lazy("For example 10元 or 1GB."),
        ),
    }
    attrs.update(_reward_fields(ctx))
    return type("MallItemRow", (RowForm,), attrs)


def choice_row_form(ctx: EditContext) -> type[Form]:
    items = [
        (i["key"], ctx.pick(i["name"], i.get("name_en")))
        for i in (ctx.bundle.get("mall") or {}).get("items") or []
    ]
    attrs: dict[str, Any] = {
        "key": HiddenField(),
        "item": SelectField(
            lazy("Option of the right"),
            choices=items,
            description=lazy("Save a new right first, then add its options."),
        ),
        "name": StringField(
            lazy("Option"), [validators.InputRequired(), validators.Length(max=40)]
        ),
        "name_en": StringField(
            lazy("English name"), [validators.Optional(), validators.Length(max=60)]
        ),
    }
    attrs.update(_reward_fields(ctx))
    return type("MallChoiceRow", (RowForm,), attrs)


class MallSection(Section):
    key = "mall"
    title = N_("Points mall")
    help = N_(
        "Rights customers buy with points: price, stock, limits, validity and what they read "
        "on arrival. Failed deliveries give the points back."
    )
    template = "mall"
    prefixes = ("mall",)

    def applies(self, bundle: dict[str, Any]) -> bool:
        items = (bundle.get("mall") or {}).get("items")
        return bool(items) or (bundle.get("widget") or {}).get("type") == "points_mall"

    def form_class(self, ctx: EditContext):
        item, choice = item_row_form(ctx), choice_row_form(ctx)

        class MallForm(EditorForm):
            points_from = SelectField(
                lazy("Points spent"),
                choices=[
                    ("campaign", translate("Points earned in this campaign")),
                    ("bank", translate("Bank-wide points (entered by staff)")),
                ],
            )
            items = rows(item, lazy("Right"))
            choices = rows(choice, lazy("Option"))

        return MallForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        mall = bundle.get("mall") or {}
        items = mall.get("items") or []
        return {
            "points_from": mall.get("points_from") or "campaign",
            "items": [item_row(i) for i in items],
            "choices": [
                {
                    **reward_row(c.get("reward") or {}),
                    "key": c["key"],
                    "item": i["key"],
                    "name": c.get("name", ""),
                    "name_en": c.get("name_en") or "",
                }
                for i in items
                for c in i.get("choices") or []
            ],
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        taken = {row["key"] for row in data["items"] if row["key"]}
        options: dict[str, list[dict[str, Any]]] = {}
        for row in data["choices"]:
            used = {c["key"] for c in options.get(row["item"], [])}
            key = row["key"] if row["key"] and row["key"] not in used else next_key("option", used)
            options.setdefault(row["item"], []).append(
                {
                    "key": key,
                    "name": row["name"].strip(),
                    "name_en": blank_to_none(row["name_en"]),
                    "reward": reward_from_row(row),
                }
            )
        items = []
        for row in data["items"]:
            if not row["key"]:
                row["key"] = next_key("right", taken)
                taken.add(row["key"])
            items.append(item_from_row(row, options.get(row["key"])))
        bundle["mall"] = {"points_from": data["points_from"], "items": items} if items else None

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _ITEM_PATH.match(path)
        if match is None:
            return "points_from" if path == "mall.points_from" else "items"
        index, rest = int(match.group(1)), match.group(2)
        items = (bundle.get("mall") or {}).get("items") or []
        item = items[index] if index < len(items) else {}
        choice = _CHOICE_PATH.match(rest)
        if choice:
            sub, tail = int(choice.group(1)), choice.group(2)
            options = item.get("choices") or []
            flat = sum(len(x.get("choices") or []) for x in items[:index]) + sub
            option = options[sub] if sub < len(options) else {}
            if tail.startswith(".reward"):
                return f"choices-{flat}-" + _reward_target(option.get("reward"), tail)
            leaf = tail.lstrip(".")
            return f"choices-{flat}-" + (leaf if leaf in ("name", "name_en") else "name")
        if rest.startswith((".reward", ".choices")):
            return f"items-{index}-" + _reward_target(item.get("reward"), rest)
        leaf = rest.lstrip(".")
        return f"items-{index}-" + (leaf if leaf in ITEM_FIELDS else "name")

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        items = (bundle.get("mall") or {}).get("items") or []
        if not items:
            return translate("No rights on sale.")
        return "; ".join(
            translate("{name} {price} points").format(
                name=ctx.pick(i["name"], i.get("name_en")), price=i["price"]
            )
            for i in items
        )


def _reward_target(reward: Any, tail: str) -> str:
    """The row field of a reward problem: `.reward.sku` -> the kind's sku field, else the
    reward select."""
    kind = reward.get("kind") if isinstance(reward, dict) else None
    spec = REWARD_KINDS.get(kind)
    leaf = tail.split(".reward.", 1)[1].split(".")[0] if ".reward." in tail else None
    if spec and leaf in {f.name for f in spec.fields}:
        return reward_field_name(kind, leaf)
    return "reward_kind"


def reward_row(reward: dict[str, Any]) -> dict[str, Any]:
    kind = reward.get("kind") or KINDS[0].key
    row: dict[str, Any] = {"reward_kind": kind}
    for spec_kind in KINDS:
        for spec in spec_kind.fields:
            value = reward.get(spec.name) if spec_kind.key == kind else None
            if value is None and spec.choices:
                value = spec.choices[0]
            row[reward_field_name(spec_kind.key, spec.name)] = value
    return row


def reward_from_row(row: dict[str, Any]) -> dict[str, Any]:
    kind = REWARD_KINDS[row["reward_kind"]]
    reward: dict[str, Any] = {"kind": kind.key}
    for spec in kind.fields:
        value = blank_to_none(row[reward_field_name(kind.key, spec.name)])
        if value is not None:
            reward[spec.name] = value
    return reward


def item_row(item: dict[str, Any]) -> dict[str, Any]:
    reward = item.get("reward") or ((item.get("choices") or [{}])[0].get("reward") or {})
    row = {name: item.get(name) for name in ITEM_FIELDS}
    for name in ("name_en", "description", "image", "message", "unit"):
        row[name] = row[name] or ""
    row["max_quantity"] = item.get("max_quantity") or 1
    return {**row, **reward_row(reward), "key": item["key"]}


def item_from_row(row: dict[str, Any], choices: list[dict[str, Any]] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"key": row["key"]}
    for name in ITEM_FIELDS:
        value = row[name].strip() if isinstance(row[name], str) else row[name]
        item[name] = blank_to_none(value) if name != "name" else value
    # a right with options takes its reward from the option chosen
    item["reward"] = None if choices else reward_from_row(row)
    item["choices"] = choices or None
    return item
