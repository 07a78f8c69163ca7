"""What the review step warns about before a draft is submitted: the budget."""

from __future__ import annotations

from builder.i18n import translate
from core.models import Campaign


def last_simulation(campaign: Campaign) -> dict | None:
    """The summary of the simulation this user last ran of the current draft, if any."""
    from flask import session

    found = session.get(f"simulation:{campaign.id}")
    return found if found and found.get("draft_hash") == campaign.draft_hash else None


def budget_warnings(bundle: dict, lang: str, simulated: dict | None = None) -> list[str]:
    """Warnings before submit: what the prizes can cost at most against the budget, and the
    last simulation the marketer ran of this very draft, if it went over."""
    budget = (bundle.get("limits") or {}).get("budget")
    if not budget:
        return []
    amount = float(budget["amount"])
    warnings = []
    limited = sum(
        float(p["value"]) * p["stock"] for p in bundle["prizes"] if p["stock"] is not None
    )
    unlimited = [
        p["name"] for p in bundle["prizes"] if p["stock"] is None and float(p["value"]) > 0
    ]
    if limited > amount:
        warnings.append(
            translate(
                "If every prize in stock is won, the prizes cost {cost:,.2f} {currency}: over "
                "the budget of {budget:,.2f}."
            ).format(cost=limited, currency=budget["currency"], budget=amount)
        )
    if unlimited:
        warnings.append(
            translate(
                "These prizes have a cost and no stock limit, so their cost has no ceiling: "
                "{names}."
            ).format(names=", ".join(unlimited))
        )
    if simulated and simulated.get("over_budget"):
        warnings.append(
            translate(
                "Your last simulation of this draft cost {cost:,.2f} {currency}, over the "
                "budget of {budget:,.2f}."
            ).format(cost=simulated["cost"], currency=budget["currency"], budget=amount)
        )
    return warnings
