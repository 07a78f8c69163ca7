"""`points`: credit the participant's campaign points account."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from runtime.issuance import points
from runtime.issuance.issuers.base import BulkIssuer, BulkOutcome, ClaimedReward, IssueError


def _credit(reward: ClaimedReward, now: datetime) -> points.Credit:
    """The ledger credit a points reward owes; raises a permanent IssueError on bad payload."""
    amount = reward.payload.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise IssueError(
            f"payload.amount: expected a positive whole number, got {amount!r}", permanent=True
        )
    valid_days = reward.payload.get("valid_days")
    return points.Credit(
        participant_id=reward.participant_id,
        campaign_id=reward.campaign_id,
        reward_id=reward.id,
        delta=amount,
        kind="reward",
        source_key=f"reward:{reward.id}",
        expires_at=now + timedelta(days=int(valid_days)) if valid_days else None,
        note=reward.payload.get("note") or reward.payload.get("prize_name"),
    )


def _result(credit: points.Credit, balance: int) -> dict[str, Any]:
    return {
        "points": credit.delta,
        "balance": balance,
        "expires_at": credit.expires_at.isoformat() if credit.expires_at else None,
    }


class PointsIssuer(BulkIssuer):
    type = "points"

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        credit = _credit(reward, now)
        posting = points.post(
            session,
            participant_id=credit.participant_id,
            campaign_id=credit.campaign_id,
            reward_id=credit.reward_id,
            delta=credit.delta,
            kind=credit.kind,
            source_key=credit.source_key,
            expires_at=credit.expires_at,
            note=credit.note,
            now=now,
        )
        return _result(credit, posting.balance)

    def issue_many(
        self, session: Session, rewards: list[ClaimedReward], now: datetime
    ) -> BulkOutcome:
        outcome = BulkOutcome()
        credits = []
        for reward in rewards:
            try:
                credits.append(_credit(reward, now))
            except IssueError as exc:
                outcome.errors[reward.id] = exc
        balances = points.credit_many(session, credits, now)
        for credit, balance in zip(credits, balances, strict=True):
            outcome.results[credit.reward_id] = _result(credit, balance)
        return outcome
