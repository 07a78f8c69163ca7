"""Prizes and odds: one row per prize (reward, weight and its share, stock, releases, limits,
consolation), the first-N guarantee, what happens when a prize runs out, and window boosts."""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    Field,
    FloatField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    validators,
)

from builder.editor.base import (
    EditContext,
    EditorForm,
    RowForm,
    Section,
    blank_to_none,
    next_key,
    whole,
    widget_draws,
)
from builder.editor.fields import WIDE, CheckboxesField, rows
from builder.i18n import N_, lazy, translate
from rules.rewards import CHOICE_LABELS, REWARD_KINDS, RewardField

MAX_STOCK = 100_000_000
_PRIZE_PATH = re.compile(r"^prizes\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")
_BOOST_PATH = re.compile(r"^odds\.boosts\[(\d+)\](?:\.(\w+))?")
ROW_FIELDS = (
    "right",
    "name",
    "name_en",
    "weight",
    "stock",
    "daily_release",
    "per_person_limit",
    "fallback",
    "value",
    "chance_kinds",
)


def reward_field_name(kind: str, name: str) -> str:
    return f"r_{kind}_{name}"


def bundle_rewards(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Every reward the bundle names: its prizes' and its mall rights' (and their options')."""
    found = [p.get("reward") or {} for p in bundle.get("prizes") or []]
    for item in (bundle.get("mall") or {}).get("items") or []:
        found.append(item.get("reward") or {})
        found += [c.get("reward") or {} for c in item.get("choices") or []]
    return found


def _reward_input(spec: RewardField, ctx: EditContext) -> Field:
    label = ctx.pick(spec.label_zh, spec.label_en)
    help_text = ctx.pick(spec.help_zh, spec.help_en)
    checks = [validators.Optional()]
    if spec.name == "pool":
        known = dict(ctx.pools)
        missing = sorted(
            {r.get("pool") for r in bundle_rewards(ctx.bundle) if r.get("pool") not in known}
            - {None}
        )
        choices = [("", translate("Choose a code pool")), *ctx.pools]
        choices += [
            (key, translate("{pool} (no such pool yet)").format(pool=key)) for key in missing
        ]
        return SelectField(label, choices=choices, description=help_text)
    if spec.choices:
        choices = [(c, ctx.pick(*CHOICE_LABELS.get(c, (c, c)))) for c in spec.choices]
        return SelectField(label, choices=choices, description=help_text)
    if spec.type == "int":
        checks.append(validators.NumberRange(min=1, max=MAX_STOCK))
        return IntegerField(label, checks, description=help_text)
    if spec.type == "number":
        checks.append(validators.NumberRange(min=0.01, max=1_000_000))
        return FloatField(label, checks, description=help_text)
    checks.append(validators.Length(max=200))
    return StringField(label, checks, description=help_text)


def _right_select(ctx: EditContext) -> SelectField:
    """ "From the rights library": choosing a right fills the row's reward, names and cost
    (builder/static/editor/rights.js) and keeps the right's key as the prize's `right`."""
    known = {r["key"] for r in ctx.rights}
    missing = sorted({p.get("right") for p in ctx.bundle.get("prizes") or []} - known - {None, ""})
    choices = [("", translate("Not from the library"))]
    choices += [(r["key"], r["label"]) for r in ctx.rights]
    choices += [(k, translate("{right} (not in the library)").format(right=k)) for k in missing]
    return SelectField(
        lazy("From the rights library"),
        choices=choices,
        description=lazy("Choosing a right fills in the reward, the names and the cost."),
        render_kw={"data-right-select": "1", "data-col": "col-sm-12 col-lg-6"},
    )


def _optional_count(label: str, minimum: int, description: str = "") -> IntegerField:
    return IntegerField(
        lazy(label),
        [validators.Optional(), validators.NumberRange(min=minimum, max=MAX_STOCK)],
        description=lazy(description) if description else "",
    )


def prize_row_form(ctx: EditContext) -> type[Form]:
    """One prize's row. Fields are created in the order they show: the reward kind's own fields
    right after the kind (WTForms orders fields by creation)."""
    attrs: dict[str, Any] = {
        "key": HiddenField(),
        "right": _right_select(ctx),
        "name": StringField(
            lazy("Prize name"), [validators.InputRequired(), validators.Length(max=60)]
        ),
        "name_en": StringField(
            lazy("English name"), [validators.Optional(), validators.Length(max=80)]
        ),
        "reward_kind": SelectField(
            lazy("Reward"),
            choices=[(k.key, ctx.pick(k.label_zh, k.label_en)) for k in REWARD_KINDS.values()],
            render_kw={"data-reward-kind": "1"},
        ),
    }
    for kind in REWARD_KINDS.values():
        for spec in kind.fields:
            attrs[reward_field_name(kind.key, spec.name)] = _reward_input(spec, ctx)
    attrs.update(
        weight=FloatField(
            lazy("Weight"),
            [validators.InputRequired(), validators.NumberRange(min=0, max=1_000_000)],
            render_kw={"data-weight": "1", "step": "any"},
        ),
        stock=_optional_count(N_("Stock"), 0, N_("Leave empty for unlimited.")),
        daily_release=_optional_count(
            N_("Released per day"), 1, N_("Leave empty for no daily cap.")
        ),
        per_person_limit=_optional_count(
            N_("Per person at most"), 1, N_("Leave empty for no cap.")
        ),
        value=FloatField(
            lazy("Cost per prize (CNY)"),
            [validators.InputRequired(), validators.NumberRange(min=0, max=10_000_000)],
            render_kw={"step": "any"},
        ),
        fallback=BooleanField(
            lazy("Consolation prize"),
            description=lazy("Given when nothing else is won: every draw wins something."),
        ),
        chance_kinds=CheckboxesField(
            lazy("Only with these chances"),
            choices=ctx.kinds(),
            description=lazy("Tick none to allow every kind of chance."),
            render_kw={"data-col": "col-sm-12 col-lg-6"},
        ),
    )
    return type("PrizeRow", (RowForm,), attrs)


def boost_row_form(ctx: EditContext) -> type[Form]:
    class BoostRow(RowForm):
        window = SelectField(lazy("During the window"), choices=ctx.windows())
        prizes = CheckboxesField(lazy("Prizes"), choices=ctx.prizes(), render_kw=WIDE)
        factor = FloatField(
            lazy("Odds multiplied by"),
            [validators.InputRequired(), validators.NumberRange(min=0.01, max=1000)],
            render_kw={"step": "any"},
        )

    return BoostRow


class PrizesSection(Section):
    key = "prizes"
    title = N_("Prizes")
    help = N_("Each prize's reward, weight (its share of the draws), stock and limits.")
    template = "prizes"
    prefixes = ("prizes", "odds")

    def applies(self, bundle: dict[str, Any]) -> bool:
        """A page that draws has prizes; one that does not (a points mall, a vote) only those
        added from the campaign page (for a rule's "issue a prize"), so its wizard skips them."""
        return widget_draws(bundle) or bool(bundle.get("prizes"))

    def form_class(self, ctx: EditContext):
        row, boost = prize_row_form(ctx), boost_row_form(ctx)

        class PrizesForm(EditorForm):
            prizes = rows(row, lazy("Prize"))
            guaranteed_first = IntegerField(
                lazy("First draws that always win a real prize"),
                [validators.InputRequired(), validators.NumberRange(min=0, max=100)],
                description=lazy("For example 3: each person's first three draws win."),
            )
            exhausted = SelectField(
                lazy("When a prize runs out"),
                choices=[
                    ("remove", translate("Its share goes to the other prizes")),
                    ("fallback", translate("The draw gives the consolation prize")),
                ],
            )
            boosts = rows(boost, lazy("Odds boost"))

        return PrizesForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        odds = bundle.get("odds") or {}
        return {
            "prizes": [prize_row(p) for p in bundle.get("prizes") or []],
            "guaranteed_first": odds.get("guaranteed_first", 0),
            "exhausted": odds.get("exhausted", "remove"),
            "boosts": [
                {"window": b["window"], "prizes": list(b["prizes"]), "factor": b["factor"]}
                for b in odds.get("boosts") or []
            ],
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        old = {p["key"]: p for p in bundle.get("prizes") or []}
        taken = {row["key"] for row in data["prizes"] if row["key"]}
        prizes = []
        for row in data["prizes"]:
            if not row["key"]:
                row["key"] = next_key("prize", taken)
                taken.add(row["key"])
            prizes.append(prize_from_row(row, old.get(row["key"], {})))
        bundle["prizes"] = prizes
        order = [p["key"] for p in prizes]
        odds = bundle.setdefault("odds", {})
        odds["guaranteed_first"] = data["guaranteed_first"]
        odds["exhausted"] = data["exhausted"]
        odds["boosts"] = [
            {
                "window": b["window"],
                "prizes": sorted(
                    b["prizes"] or [], key=lambda k: order.index(k) if k in order else len(order)
                ),
                "factor": b["factor"],
            }
            for b in data["boosts"]
        ]

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _PRIZE_PATH.match(path)
        if match:
            return _prize_field(match.groups(), bundle)
        match = _BOOST_PATH.match(path)
        if match:
            index, leaf = match.groups()
            return f"boosts-{index}-{leaf if leaf in ('window', 'prizes', 'factor') else 'window'}"
        if path in ("odds.guaranteed_first", "odds.exhausted"):
            return path.split(".")[1]
        if path.startswith("odds"):
            return "exhausted"
        return "prizes" if path.startswith("prizes") else None

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        prizes = bundle.get("prizes") or []
        total = sum(float(p["weight"]) for p in prizes) or 1.0
        parts = [
            f"{ctx.pick(p['name'], p.get('name_en'))} {100 * float(p['weight']) / total:.2f}%"
            for p in prizes
        ]
        first = (bundle.get("odds") or {}).get("guaranteed_first") or 0
        if first:
            parts.append(translate("first {n} draws always win").format(n=first))
        return "; ".join(parts) or translate("No prizes.")


def _prize_field(groups: tuple[str | None, ...], bundle: dict[str, Any]) -> str:
    index, part, leaf = groups
    prefix = f"prizes-{index}-"
    if part == "reward":
        prizes = bundle.get("prizes") or []
        i = int(index)
        kind = ((prizes[i] if i < len(prizes) else {}).get("reward") or {}).get("kind")
        spec = REWARD_KINDS.get(kind)
        if leaf and spec and leaf in {f.name for f in spec.fields}:
            return prefix + reward_field_name(kind, leaf)
        return prefix + "reward_kind"
    return prefix + (part if part in ROW_FIELDS else "name")


def prize_row(prize: dict[str, Any]) -> dict[str, Any]:
    reward = prize.get("reward") or {}
    kind = reward.get("kind", "none")
    row = {
        "key": prize["key"],
        "name": prize.get("name", ""),
        "name_en": prize.get("name_en") or "",
        "reward_kind": kind,
        "weight": whole(prize.get("weight", 0)),
        "stock": prize.get("stock"),
        "daily_release": prize.get("daily_release"),
        "per_person_limit": prize.get("per_person_limit"),
        "value": whole(prize.get("value", 0)),
        "fallback": bool(prize.get("fallback")),
        "chance_kinds": list(prize.get("chance_kinds") or []),
        "right": prize.get("right") or "",
    }
    for spec_kind in REWARD_KINDS.values():
        for spec in spec_kind.fields:
            value = reward.get(spec.name) if spec_kind.key == kind else None
            if value is None and spec.choices:
                value = spec.choices[0]  # what the select shows (and posts) before a choice
            row[reward_field_name(spec_kind.key, spec.name)] = value
    return row


def prize_from_row(row: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    kind = REWARD_KINDS[row["reward_kind"]]
    reward: dict[str, Any] = {"kind": kind.key}
    for spec in kind.fields:
        value = blank_to_none(row[reward_field_name(kind.key, spec.name)])
        if value is not None:
            reward[spec.name] = value
    prize = {
        "key": row["key"],
        "name": row["name"].strip(),
        "name_en": blank_to_none(row["name_en"]),
        "description": old.get("description"),
        "image": old.get("image"),
        "weight": whole(row["weight"]),
        "stock": row["stock"],
        "daily_release": row["daily_release"],
        "per_person_limit": row["per_person_limit"],
        "fallback": bool(row["fallback"]),
        "chance_kinds": list(row["chance_kinds"]) or None,
        "value": whole(row["value"]),
        "reward": reward,
    }
    right = blank_to_none(row.get("right"))
    if right is not None:  # absent unless the prize came from the library
        prize["right"] = right
    return prize
