"""`physical`: put the reward in the manual fulfilment queue for staff to ship."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.models import Fulfilment
from runtime.issuance.dialect import insert_ignore_statement
from runtime.issuance.issuers.base import BulkIssuer, BulkOutcome, ClaimedReward


def _row(reward: ClaimedReward, now: datetime) -> dict[str, Any]:
    address = reward.payload.get("address")
    return {
        "reward_id": reward.id,
        "campaign_id": reward.campaign_id,
        "participant_id": reward.participant_id,
        "status": "ready" if address else "awaiting_address",
        "address": address,
        "created_at": now,
        "updated_at": now,
    }


def _result(row: dict[str, Any]) -> dict[str, Any]:
    ready = row["status"] == "ready"
    return {
        "fulfilment": row["status"],
        "tracking": None,
        "note": "queued for shipping" if ready else "awaiting delivery address",
    }


class PhysicalIssuer(BulkIssuer):
    type = "physical"

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        row = _row(reward, now)
        session.execute(insert_ignore_statement(session, Fulfilment).values(**row))
        return _result(row)

    def issue_many(
        self, session: Session, rewards: list[ClaimedReward], now: datetime
    ) -> BulkOutcome:
        rows = [_row(reward, now) for reward in rewards]
        if rows:
            session.execute(insert_ignore_statement(session, Fulfilment), rows)
        return BulkOutcome(results={row["reward_id"]: _result(row) for row in rows})
