"""Chances and limits: the kinds of chance (gold and silver shovels), what each person gets at
the start and every day, and how often one person may draw and win."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, HiddenField, IntegerField, StringField, validators

from builder.editor.base import (
    EditContext,
    EditorForm,
    RowForm,
    Section,
    blank_to_none,
    next_key,
    widget_draws,
)
from builder.editor.fields import rows
from builder.i18n import N_, lazy, translate

PER_PERSON = (
    ("draws_per_day", N_("Draws per person per day")),
    ("draws_total", N_("Draws per person in total")),
    ("wins_per_day", N_("Wins per person per day")),
    ("wins_total", N_("Wins per person in total")),
)
_KIND_PATH = re.compile(r"^chances\.kinds\[(\d+)\](?:\.(\w+))?")


def _count(label: str, **kw: Any) -> IntegerField:
    return IntegerField(
        lazy(label), [validators.InputRequired(), validators.NumberRange(min=0, max=1000)], **kw
    )


def _limit(label: str) -> IntegerField:
    return IntegerField(
        lazy(label),
        [validators.Optional(), validators.NumberRange(min=1, max=1_000_000)],
        description=lazy("Leave empty for no limit."),
    )


class KindRow(RowForm):
    key = HiddenField()
    name = StringField(lazy("Name"), [validators.InputRequired(), validators.Length(max=40)])
    name_en = StringField(lazy("English name"), [validators.Optional(), validators.Length(max=60)])
    initial = _count(N_("Given when joining"))
    daily = _count(N_("Given every day"))
    is_default = BooleanField(lazy("Used when the page does not say which"))


class ChancesSection(Section):
    key = "chances"
    title = N_("Chances and limits")
    help = N_("Kinds of chance (for example gold and silver shovels) and per-person limits.")
    template = "chances"
    prefixes = ("chances", "limits.per_person")

    def form_class(self, ctx: EditContext):
        needed = widget_draws(ctx.bundle)  # a points mall or a vote may have no kind

        class ChancesForm(EditorForm):
            kinds = rows(KindRow, lazy("Kind of chance"), min_entries=int(needed))
            draws_per_day = _limit(PER_PERSON[0][1])
            draws_total = _limit(PER_PERSON[1][1])
            wins_per_day = _limit(PER_PERSON[2][1])
            wins_total = _limit(PER_PERSON[3][1])

            def validate_kinds(self, field) -> None:
                rows = [e for e in field.entries if not field.should_delete(e)]
                if not rows and needed:
                    raise validators.ValidationError(translate("Add at least one kind of chance."))
                if sum(bool(e.form.is_default.data) for e in rows) > 1:
                    raise validators.ValidationError(translate("Only one kind can be the default."))

        return ChancesForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        chances = bundle.get("chances") or {}
        default = chances.get("default_kind")
        per_person = (bundle.get("limits") or {}).get("per_person") or {}
        return {
            "kinds": [
                {
                    "key": k["key"],
                    "name": k.get("name", ""),
                    "name_en": k.get("name_en") or "",
                    "initial": k.get("initial", 0),
                    "daily": k.get("daily", 0),
                    "is_default": k["key"] == default,
                }
                for k in chances.get("kinds") or []
            ],
            **{key: per_person.get(key) for key, _ in PER_PERSON},
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        taken = {row["key"] for row in data["kinds"] if row["key"]}
        kinds, default = [], None
        for row in data["kinds"]:
            if not row["key"]:
                row["key"] = next_key("chance", taken)
                taken.add(row["key"])
            kinds.append(
                {
                    "key": row["key"],
                    "name": row["name"].strip(),
                    "name_en": blank_to_none(row["name_en"]),
                    "initial": row["initial"],
                    "daily": row["daily"],
                }
            )
            if row["is_default"]:
                default = row["key"]
        chances = bundle.setdefault("chances", {})
        chances["kinds"] = kinds
        previous = chances.get("default_kind")
        if default is None and previous is None:
            chances["default_kind"] = None
        else:
            chances["default_kind"] = default or (kinds[0]["key"] if kinds else None)
        per_person = bundle.setdefault("limits", {}).setdefault("per_person", {})
        for key, _ in PER_PERSON:
            per_person[key] = data[key]

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _KIND_PATH.match(path)
        if match:
            index, leaf = match.groups()
            leaf = leaf if leaf in ("name", "name_en", "initial", "daily") else "name"
            return f"kinds-{index}-{leaf}"
        if path.startswith("chances"):
            return "kinds"
        if path.startswith("limits.per_person."):
            leaf = path.rsplit(".", 1)[1]
            return leaf if leaf in dict(PER_PERSON) else None
        return None

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        kinds = (bundle.get("chances") or {}).get("kinds") or []
        zh = ctx.lang == "zh"
        parts = []
        for k in kinds:
            name = ctx.pick(k.get("name", ""), k.get("name_en"))
            if zh:
                parts.append(f"{name}:参加送{k['initial']},每天送{k['daily']}")
            else:
                parts.append(f"{name}: {k['initial']} on joining, {k['daily']} a day")
        per_person = (bundle.get("limits") or {}).get("per_person") or {}
        limits = [
            f"{translate(label)} {per_person[key]}"
            for key, label in PER_PERSON
            if per_person.get(key)
        ]
        return "; ".join(parts + limits)
