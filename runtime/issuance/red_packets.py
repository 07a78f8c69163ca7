"""Red packet budgets: money paid out can never exceed the budget (guarded UPDATE + CHECK)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import Campaign, CampaignVersion, RedPacketBudget, utcnow
from rules.draws import to_cents  # one rounding rule for admission and payment
from runtime.issuance.dialect import insert_ignore


def set_budget(session: Session, campaign_id: int, amount: float, currency: str = "CNY") -> None:
    """Create or change a campaign's budget; it can never drop below what was already spent."""
    cents = to_cents(amount)
    if cents < 0:
        raise ValueError("amount: a budget cannot be negative")
    now = utcnow()
    if not insert_ignore(
        session,
        RedPacketBudget,
        campaign_id=campaign_id,
        currency=currency,
        total_cents=cents,
        spent_cents=0,
        updated_at=now,
    ):
        changed = session.execute(
            update(RedPacketBudget)
            .where(RedPacketBudget.campaign_id == campaign_id, RedPacketBudget.spent_cents <= cents)
            .values(total_cents=cents, updated_at=now)
        ).rowcount
        if not changed:
            raise ValueError("amount: below what has already been paid out")


def _budget_from_version(session: Session, campaign_id: int) -> tuple[int, str] | None:
    snapshot = session.execute(
        select(CampaignVersion.snapshot)
        .join(Campaign, Campaign.published_version_id == CampaignVersion.id)
        .where(Campaign.id == campaign_id)
    ).scalar_one_or_none()
    budget = ((snapshot or {}).get("limits") or {}).get("budget") or {}
    if budget.get("amount") is None:
        return None
    return to_cents(budget["amount"]), str(budget.get("currency") or "CNY")


def ensure_budget(session: Session, campaign_id: int, now: datetime) -> bool:
    """Make sure the campaign has a budget row (from its published limits.budget)."""
    exists = session.execute(
        select(RedPacketBudget.id).where(RedPacketBudget.campaign_id == campaign_id)
    ).first()
    if exists:
        return True
    found = _budget_from_version(session, campaign_id)
    if found is None:
        return False
    cents, currency = found
    insert_ignore(
        session,
        RedPacketBudget,
        campaign_id=campaign_id,
        currency=currency,
        total_cents=cents,
        spent_cents=0,
        updated_at=now,
    )
    return True


def take(session: Session, campaign_id: int, cents: int, now: datetime) -> int | None:
    """Spend `cents` from the budget if they fit; returns the budget id, or None."""
    return session.execute(
        update(RedPacketBudget)
        .where(
            RedPacketBudget.campaign_id == campaign_id,
            RedPacketBudget.spent_cents + cents <= RedPacketBudget.total_cents,
        )
        .values(spent_cents=RedPacketBudget.spent_cents + cents, updated_at=now)
        .returning(RedPacketBudget.id)
    ).scalar_one_or_none()


def remaining(session: Session, campaign_id: int) -> int | None:
    row = session.execute(
        select(RedPacketBudget.total_cents - RedPacketBudget.spent_cents).where(
            RedPacketBudget.campaign_id == campaign_id
        )
    ).first()
    return None if row is None else int(row[0])
