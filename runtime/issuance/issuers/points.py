"""`points`: credit the participant's campaign points account."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from runtime.issuance import points
from runtime.issuance.issuers.base import ClaimedReward, IssueError, Issuer


class PointsIssuer(Issuer):
    type = "points"
    label = "Points"
    config_schema = {
        "type": "object",
        "required": ["amount"],
        "properties": {
            "amount": {"type": "integer", "minimum": 1},
            "valid_days": {"type": "integer", "minimum": 1},
            "note": {"type": "string"},
        },
    }

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        amount = reward.payload.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise IssueError(
                f"payload.amount: expected a positive whole number, got {amount!r}", permanent=True
            )
        valid_days = reward.payload.get("valid_days")
        expires_at = now + timedelta(days=int(valid_days)) if valid_days else None
        posting = points.post(
            session,
            participant_id=reward.participant_id,
            campaign_id=reward.campaign_id,
            reward_id=reward.id,
            delta=amount,
            kind="reward",
            source_key=f"reward:{reward.id}",
            expires_at=expires_at,
            note=reward.payload.get("note") or reward.payload.get("prize_name"),
            now=now,
        )
        return {
            "points": amount,
            "balance": posting.balance,
            "expires_at": expires_at.isoformat() if expires_at else None,
        }
