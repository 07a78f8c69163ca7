"""The rights library in the studio: hundreds of rights, searchable and filtered by category
and kind; operators add and edit them (each right's reward fields follow its kind), everyone
who builds campaigns reads them and picks prizes from them (builder/editor/prizes.py)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import LazyString
from flask_login import current_user
from markupsafe import Markup
from wtforms import (
    Field,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    validators,
)

from builder.i18n import N_, current_language, lazy, pick, translate
from builder.rights import (
    config_fields,
    ensure_pool,
    reward_problems,
    stock_levels,
    visible_branches,
)
from builder.views.base import AuditedModelView
from builder.views.org import branches_in_scope
from core.extensions import db
from core.models import Right
from core.models.catalogue import RIGHT_CATEGORIES
from core.scope import user_scope
from rules.rewards import CHOICE_LABELS, REWARD_KINDS, RewardField
from rules.schema_fields import ID_RE

MAX_COST = 10_000_000
MAX_COUNT = 10_000_000


KEY_MESSAGE = N_("Lowercase letters, digits, '-' or '_'.")


class KeyPattern(validators.Regexp):
    """A key as bundles write it (rules.schema_fields.ID_RE). The message is translated when the
    check fails: Flask-Admin shows only plain-text errors next to a field."""

    def __init__(self) -> None:
        super().__init__(ID_RE)

    def __call__(self, form, field) -> None:
        try:
            super().__call__(form, field)
        except validators.ValidationError:
            raise validators.ValidationError(translate(KEY_MESSAGE)) from None


def both(zh: str, en: str) -> LazyString:
    """A label carried as a Chinese/English pair, shown in the user's language."""
    return LazyString(pick, zh, en)


def field_name(kind: str, name: str) -> str:
    return f"r_{kind}_{name}"


def reward_input(spec: RewardField) -> Field:
    """The form field of one reward field of a kind (its label and help from rules.rewards)."""
    label, help_text = both(spec.label_zh, spec.label_en), both(spec.help_zh, spec.help_en)
    kw: dict[str, Any] = {"description": help_text, "render_kw": {"data-reward-field": "1"}}
    if spec.choices:
        choices = [(c, both(*CHOICE_LABELS.get(c, (c, c)))) for c in spec.choices]
        # hidden while another kind is chosen: its choice is checked with the kind's fields
        return SelectField(label, choices=choices, validate_choice=False, **kw)
    if spec.type == "int":
        checks = [validators.Optional(), validators.NumberRange(min=1, max=MAX_COUNT)]
        return IntegerField(label, checks, **kw)
    if spec.type == "number":
        checks = [validators.Optional(), validators.NumberRange(min=0.01, max=MAX_COST)]
        return FloatField(label, checks, **kw)
    if spec.name == "pool":
        return StringField(label, [validators.Optional(), KeyPattern()], **kw)
    return StringField(label, [validators.Optional(), validators.Length(max=200)], **kw)


REWARD_INPUTS = {
    field_name(kind, spec.name): reward_input(spec)
    for kind in REWARD_KINDS
    for spec in config_fields(kind)
}


def config_from_form(form, kind: str) -> dict[str, Any]:
    """The chosen kind's fields from the form, blanks left out."""
    config = {}
    for spec in config_fields(kind):
        value = getattr(form, field_name(kind, spec.name)).data
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, ""):
            config[spec.name] = value
    return config


def category_label(view, context, model, name) -> str:
    return pick(*RIGHT_CATEGORIES.get(model.category, (model.category, model.category)))


def kind_label(view, context, model, name) -> str:
    kind = REWARD_KINDS.get(model.kind)
    return kind.label(current_language()) if kind else model.kind


def stock_cell(view, context, model, name):
    """Codes left in a coupon right's pool, marked when at or below the alert threshold."""
    level = (g.get("right_levels") or {}).get(model.key)
    if level is None:
        return ""
    text = f"{level['left']} / {level['total']}"
    if not level["low"]:
        return text
    return Markup('{0} <span class="badge badge-danger" data-low-stock="{1}">{2}</span>').format(
        text, model.key, translate("Low stock")
    )


class RightView(AuditedModelView):
    required_permission = "view"
    edit_permission = "operate_rewards"
    branch_column = "branch_id"
    page_size = 50
    column_list = (
        "key",
        "name",
        "category",
        "kind",
        "cost",
        "valid_days",
        "redemption_limit",
        "stock",
        "active",
        "branch",
    )
    column_searchable_list = ("key", "name", "name_en")
    column_filters = ("category", "kind", "active")
    column_choices = {
        "category": [(k, both(*labels)) for k, labels in RIGHT_CATEGORIES.items()],
        "kind": [(k.key, both(k.label_zh, k.label_en)) for k in REWARD_KINDS.values()],
    }
    column_default_sort = ("key", False)
    column_formatters = {"category": category_label, "kind": kind_label, "stock": stock_cell}
    column_details_exclude_list = ("config",)
    column_labels = {
        "key": lazy("Key"),
        "name": lazy("Name"),
        "name_en": lazy("English name"),
        "category": lazy("Category"),
        "kind": lazy("Reward"),
        "cost": lazy("Cost (CNY)"),
        "valid_days": lazy("Valid for (days)"),
        "redemption_limit": lazy("Redemptions"),
        "message": lazy("Arrival message"),
        "low_stock_threshold": lazy("Low-stock alert at"),
        "stock": lazy("Codes left"),
        "active": lazy("Active"),
        "branch": lazy("Branch"),
        "created_at": lazy("Created"),
        "updated_at": lazy("Updated"),
    }
    form_columns = (
        "key",
        "name",
        "name_en",
        "category",
        "kind",
        *REWARD_INPUTS,
        "cost",
        "valid_days",
        "redemption_limit",
        "message",
        "low_stock_threshold",
        "branch",
        "active",
    )
    form_extra_fields = dict(REWARD_INPUTS)
    form_overrides = {"cost": FloatField, "message": TextAreaField}  # no converter for Float
    form_choices = {
        "category": [(k, both(*labels)) for k, labels in RIGHT_CATEGORIES.items()],
        "kind": [(k.key, both(k.label_zh, k.label_en)) for k in REWARD_KINDS.values()],
    }
    # plain selects: a few options need no search box, and right_form.js listens to them
    form_widget_args = {"kind": {"data-role": "plain"}, "category": {"data-role": "plain"}}
    form_args = {
        "key": {
            "validators": [validators.InputRequired(), KeyPattern()],
            "description": lazy("Prizes refer to the right by this key; it cannot be reused."),
        },
        "name": {"validators": [validators.InputRequired(), validators.Length(max=100)]},
        "cost": {
            "validators": [validators.InputRequired(), validators.NumberRange(0, MAX_COST)],
            "description": lazy("What one right costs the bank; filled into the prize's cost."),
        },
        "valid_days": {
            "validators": [validators.Optional(), validators.NumberRange(1, MAX_COUNT)],
        },
        "redemption_limit": {
            "validators": [validators.InputRequired(), validators.NumberRange(1, 1000)],
            "description": lazy("How many times one code can be redeemed."),
            "default": 1,
        },
        "low_stock_threshold": {
            "validators": [validators.Optional(), validators.NumberRange(0, MAX_COUNT)],
            "description": lazy(
                "Coupon rights: operators are alerted when this many codes or fewer are left."
            ),
        },
        "branch": {"query_factory": branches_in_scope},
    }
    create_template = "admin/rights_create.html"
    edit_template = "admin/rights_edit.html"

    def scope_clause(self):
        """The user's subtree (theirs to manage) and their ancestors' rights (theirs to use)."""
        return Right.branch_id.in_(visible_branches(current_user.branch_id))

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        g.right_levels = stock_levels(list(rows))
        return count, rows

    def on_form_prefill(self, form, id) -> None:
        right = self.get_one(id)
        for spec in config_fields(right.kind):
            value = (right.config or {}).get(spec.name)
            if value is not None:
                getattr(form, field_name(right.kind, spec.name)).data = value

    def validate_form(self, form) -> bool:
        valid = super().validate_form(form)
        kind = getattr(getattr(form, "kind", None), "data", None)
        if kind not in REWARD_KINDS:
            return valid
        problems = reward_problems(kind, config_from_form(form, kind))
        for name, message in problems.items():
            target = getattr(form, field_name(kind, name), None) or form.kind
            target.errors = [*target.errors, message]
            valid = False
        pool = config_from_form(form, kind).get("pool") if kind == "coupon_code" else None
        if pool and self.pool_taken(pool, getattr(form, "_obj_id", None)):
            target = getattr(form, field_name(kind, "pool"))
            target.errors = [*target.errors, translate("Another right already uses this pool.")]
            valid = False
        return valid

    @staticmethod
    def pool_taken(pool: str, right_id: int | None) -> bool:
        from sqlalchemy import select

        return any(
            r.pool_key == pool and r.id != right_id
            for r in db.session.scalars(select(Right).where(Right.kind == "coupon_code"))
        )

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form._obj_id = obj.id if obj is not None else None
        return form

    def check_change(self, before, after, model) -> None:
        scope = user_scope(current_user)
        if before is not None and before["branch_id"] not in scope:
            raise validators.ValidationError(
                translate("This right belongs to a branch above yours: use it, do not change it.")
            )
        if after["branch_id"] not in scope:
            raise validators.ValidationError(
                translate("Choose your own branch or a branch below it.")
            )

    def on_model_change(self, form, model, is_created) -> None:
        model.config = config_from_form(form, model.kind)
        super().on_model_change(form, model, is_created)
        ensure_pool(model)
