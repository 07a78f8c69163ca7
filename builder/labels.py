"""The names of a campaign's fields as a reader sees them (message ids, translated where
shown): the approver's diff, the version comparison and the audit log share them, and they use
the same words as the editor's forms."""

from __future__ import annotations

from builder.i18n import N_

TOP_LABELS = {
    "name": N_("Campaign name"),
    "name_en": N_("English name"),
    "branch": N_("Owning branch"),
    "description": N_("Rules shown to participants"),
    "slug": N_("Participant link code"),
    "format": N_("Bundle format"),
}
SECTION_LABELS = {
    "widget": N_("Widget settings"),
    "schedule": N_("Basics and schedule"),
    "audience": N_("Audience"),
    "chances": N_("Chances and limits"),
    "prizes": N_("Prizes"),
    "odds": N_("Prizes"),
    "limits": N_("Quotas and budget"),
    "rules": N_("Rules"),
}
FIELD_LABELS = {
    "schedule.starts_at": N_("Starts"),
    "schedule.ends_at": N_("Ends"),
    "schedule.timezone": N_("Time zone"),
    "schedule.windows": N_("Time windows"),
    "audience.conditions": N_("Who may join"),
    "audience.whitelist": N_("Only these customers (whitelist)"),
    "audience.message": N_("Message to customers who may not join"),
    "chances.default_kind": N_("Default chance kind"),
    "chances.kinds": N_("Kinds of chance"),
    "odds.exhausted": N_("When a prize runs out"),
    "odds.guaranteed_first": N_("First draws that always win a real prize"),
    "odds.boosts": N_("Odds boosts"),
    "limits.per_person": N_("Per-person limits"),
    "limits.per_person.draws_per_day": N_("Draws per person per day"),
    "limits.per_person.draws_total": N_("Draws per person in total"),
    "limits.per_person.wins_per_day": N_("Wins per person per day"),
    "limits.per_person.wins_total": N_("Wins per person in total"),
    "limits.branch_quotas": N_("Branch quotas"),
    "limits.budget": N_("Budget"),
    "limits.budget.amount": N_("Budget"),
    "limits.budget.currency": N_("Currency"),
    "limits.shares_rewarded_per_day": N_("Shares rewarded per day"),
    "widget.type": N_("Widget"),
}
PRIZE_FIELDS = {
    "name": N_("Prize name"),
    "name_en": N_("English name"),
    "description": N_("Description"),
    "image": N_("Image"),
    "weight": N_("Weight"),
    "stock": N_("Stock"),
    "daily_release": N_("Released per day"),
    "per_person_limit": N_("Per person at most"),
    "fallback": N_("Consolation prize"),
    "chance_kinds": N_("Only with these chances"),
    "value": N_("Cost per prize (CNY)"),
    "reward": N_("Reward"),
    "reward.kind": N_("Reward"),
}
KIND_FIELDS = {
    "name": N_("Name"),
    "name_en": N_("English name"),
    "initial": N_("Given when joining"),
    "daily": N_("Given every day"),
}
RULE_FIELDS = {
    "trigger": N_("When"),
    "conditions": N_("Conditions"),
    "actions": N_("Actions"),
    "description": N_("Description"),
}
EXHAUSTED = {
    "remove": N_("Its share goes to the other prizes"),
    "fallback": N_("The draw gives the consolation prize"),
}
