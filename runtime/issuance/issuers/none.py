"""`none`: consolation items that need no fulfilment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from runtime.issuance.issuers.base import BulkIssuer, BulkOutcome, ClaimedReward


class NoneIssuer(BulkIssuer):
    type = "none"

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        message = reward.payload.get("message") or reward.payload.get("prize_name")
        return {"message": message} if message else {}

    def issue_many(
        self, session: Session, rewards: list[ClaimedReward], now: datetime
    ) -> BulkOutcome:
        return BulkOutcome(results={r.id: self.issue(session, r, now) for r in rewards})
