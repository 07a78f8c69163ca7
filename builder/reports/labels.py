"""What each figure is called in the studio (one place; pages, charts and CSV headers use it)."""

from __future__ import annotations

from builder.i18n import N_, translate

MEASURE_LABELS = {
    "joins": N_("Participants"),
    "drawers": N_("People who drew"),
    "draws": N_("Draws"),
    "wins": N_("Wins"),
    "consolations": N_("Consolation prizes"),
    "winners": N_("People who won"),
    "rewards": N_("Rewards"),
    "paid_cents": N_("Red packets paid"),
    "shares": N_("Shares"),
    "check_ins": N_("Check-ins"),
    "votes": N_("Votes"),
    "leads": N_("Leads"),
    "events": N_("Server events"),
}
TRAFFIC_LABELS = {
    "views": N_("Page views"),
    "visitors": N_("Visitors"),
    "clicks": N_("Invitation clicks"),
}
FIGURE_LABELS = {
    "issued": N_("Rewards issued"),
    "open": N_("Rewards waiting"),
    "failed": N_("Rewards failed"),
    "redeemed": N_("Redeemed"),
    "cost": N_("Cost"),
    "budget": N_("Budget"),
    "accepted": N_("Invitations accepted"),
    "viral_coefficient": N_("Viral coefficient"),
    "max_depth": N_("Invitation tree depth"),
    "campaigns": N_("Live campaigns"),
    "quota": N_("Quota"),
    "quota_used": N_("Quota used"),
}
# (figure, label, the step its rate is taken against): people visit, join, draw and win;
# then rewards (a winner may have several) are issued and redeemed
FUNNEL = (
    ("visitors", N_("Visited"), None),
    ("joins", N_("Joined"), "visitors"),
    ("drawers", N_("Drew"), "joins"),
    ("winners", N_("Won"), "drawers"),
    ("issued", N_("Rewards issued"), "rewards"),
    ("redeemed", N_("Rewards redeemed"), "issued"),
)
PEOPLE_STEPS = ("visitors", "joins", "drawers", "winners")


def label(key: str) -> str:
    """The studio label of a measure or figure, in the user's language."""
    text = MEASURE_LABELS.get(key) or TRAFFIC_LABELS.get(key) or FIGURE_LABELS.get(key) or key
    return translate(text)
