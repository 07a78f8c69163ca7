"""`red_packet`: a random or fixed amount paid out of the campaign's budget."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.models import RedPacketGrant
from runtime.issuance import red_packets
from runtime.issuance.issuers.base import ClaimedReward, InternalIssuer, IssueError


def pick_amount(payload: dict[str, Any]) -> tuple[int, int]:
    """(amount, minimum acceptable) in cents for this payload; raises IssueError if invalid.
    A reward admitted by a draw carries `amount_cents`, the amount the draw reserved from the
    budget (rules.draws): exactly that is paid."""
    mode = payload.get("mode", "fixed")
    reserved = payload.get("amount_cents")
    if reserved is not None:
        if not isinstance(reserved, int) or isinstance(reserved, bool) or reserved <= 0:
            raise IssueError(
                "payload.amount_cents: expected a positive whole number", permanent=True
            )
        return reserved, reserved
    try:
        if mode == "fixed":
            cents = red_packets.to_cents(payload["amount"])
            low = cents
        elif mode == "random":
            low, high = red_packets.to_cents(payload["min"]), red_packets.to_cents(payload["max"])
            if high < low:
                raise IssueError("payload.max: smaller than min", permanent=True)
            cents = low + secrets.randbelow(high - low + 1)
        else:
            raise IssueError(
                f"payload.mode: expected fixed or random, got {mode!r}", permanent=True
            )
    except (KeyError, TypeError, ArithmeticError, ValueError) as exc:
        raise IssueError(f"payload: invalid red packet amount ({exc})", permanent=True) from None
    if low <= 0:
        raise IssueError("payload: red packet amounts must be positive", permanent=True)
    return cents, low


class RedPacketIssuer(InternalIssuer):
    type = "red_packet"

    def lock_key(self, reward: ClaimedReward) -> tuple:
        return (reward.campaign_id, reward.id)

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        cents, low = pick_amount(reward.payload)
        if not red_packets.ensure_budget(session, reward.campaign_id, now):
            raise IssueError("campaign has no red packet budget (limits.budget)", permanent=True)
        budget_id = red_packets.take(session, reward.campaign_id, cents, now)
        if budget_id is None and cents > low:
            left = red_packets.remaining(session, reward.campaign_id) or 0
            if left >= low:
                cents = left
                budget_id = red_packets.take(session, reward.campaign_id, cents, now)
        if budget_id is None:
            raise IssueError("red packet budget exhausted", permanent=True)
        session.execute(
            RedPacketGrant.__table__.insert().values(
                budget_id=budget_id,
                reward_id=reward.id,
                participant_id=reward.participant_id,
                amount_cents=cents,
                created_at=now,
            )
        )
        return {
            "amount": cents / 100,
            "amount_cents": cents,
            "currency": reward.payload.get("currency", "CNY"),
        }
