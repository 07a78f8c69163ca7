"""Quotas and budget: how many prizes each branch's customers may win, the campaign's budget,
and how many shares a day earn a bonus."""

from __future__ import annotations

import re
from typing import Any

from wtforms import FloatField, IntegerField, SelectField, validators

from builder.editor.base import EditContext, EditorForm, RowForm, Section
from builder.editor.fields import rows
from builder.i18n import N_, lazy, translate

CURRENCIES = (("CNY", "人民币 CNY"), ("HKD", "港币 HKD"), ("USD", "美元 USD"))
_QUOTA_PATH = re.compile(r"^limits\.branch_quotas\.([^.\[]+)")


class LimitsSection(Section):
    key = "limits"
    title = N_("Quotas and budget")
    help = N_("Prizes each branch's customers may win, and the budget the simulation checks.")
    template = "limits"
    prefixes = ("limits.branch_quotas", "limits.budget", "limits.shares_rewarded_per_day")

    def form_class(self, ctx: EditContext):
        branches = list(ctx.branches)
        for code in (ctx.bundle.get("limits") or {}).get("branch_quotas") or {}:
            if code not in dict(branches):
                branches.append((code, code))

        class QuotaRow(RowForm):
            branch = SelectField(lazy("Branch"), choices=branches)
            quota = IntegerField(
                lazy("Prizes at most"),
                [validators.InputRequired(), validators.NumberRange(min=0, max=100_000_000)],
            )

        class LimitsForm(EditorForm):
            quotas = rows(QuotaRow, lazy("Branch quota"))
            budget = FloatField(
                lazy("Budget"),
                [validators.Optional(), validators.NumberRange(min=0, max=10_000_000_000)],
                description=lazy("Leave empty for no budget. Prize costs are counted against it."),
                render_kw={"step": "any"},
            )
            currency = SelectField(lazy("Currency"), choices=CURRENCIES)
            shares_rewarded_per_day = IntegerField(
                lazy("Shares rewarded per day"),
                [validators.Optional(), validators.NumberRange(min=0, max=100)],
                description=lazy("Leave empty for no cap."),
            )

            def validate_quotas(self, field) -> None:
                seen = set()
                for entry in field.entries:
                    if field.should_delete(entry):
                        continue
                    code = entry.form.branch.data
                    if code in seen:
                        raise validators.ValidationError(
                            translate("Each branch can have one quota.")
                        )
                    seen.add(code)

        return LimitsForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        limits = bundle.get("limits") or {}
        budget = limits.get("budget") or {}
        return {
            "quotas": [
                {"branch": code, "quota": quota}
                for code, quota in (limits.get("branch_quotas") or {}).items()
            ],
            "budget": budget.get("amount"),
            "currency": budget.get("currency", "CNY"),
            "shares_rewarded_per_day": limits.get("shares_rewarded_per_day"),
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        limits = bundle.setdefault("limits", {})
        limits["branch_quotas"] = {row["branch"]: row["quota"] for row in data["quotas"]}
        limits["budget"] = (
            None
            if data["budget"] is None
            else {"amount": data["budget"], "currency": data["currency"]}
        )
        limits["shares_rewarded_per_day"] = data["shares_rewarded_per_day"]

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _QUOTA_PATH.match(path)
        if match:
            codes = list((bundle.get("limits") or {}).get("branch_quotas") or {})
            code = match.group(1)
            return f"quotas-{codes.index(code)}-quota" if code in codes else "quotas"
        if path.startswith("limits.budget"):
            return "currency" if path.endswith("currency") else "budget"
        if path == "limits.shares_rewarded_per_day":
            return "shares_rewarded_per_day"
        return None

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        limits = bundle.get("limits") or {}
        budget = limits.get("budget")
        parts = []
        if budget:
            parts.append(f"{translate('Budget')} {budget['amount']:,} {budget['currency']}")
        quotas = limits.get("branch_quotas") or {}
        if quotas:
            names = dict(ctx.branches)
            parts.append(
                ", ".join(f"{names.get(code, code)} ≤ {quota}" for code, quota in quotas.items())
            )
        return "; ".join(parts) or translate("No budget or quotas.")
