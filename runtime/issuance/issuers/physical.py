"""`physical`: put the reward in the manual fulfilment queue for staff to ship."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.models import Fulfilment
from runtime.issuance.dialect import insert_ignore
from runtime.issuance.issuers.base import ClaimedReward, Issuer


class PhysicalIssuer(Issuer):
    type = "physical"
    label = "Physical prize (manual fulfilment)"
    config_schema = {"type": "object", "properties": {"sku": {"type": "string"}}}

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        address = reward.payload.get("address")
        status = "ready" if address else "awaiting_address"
        insert_ignore(
            session,
            Fulfilment,
            reward_id=reward.id,
            campaign_id=reward.campaign_id,
            participant_id=reward.participant_id,
            status=status,
            address=address,
            created_at=now,
            updated_at=now,
        )
        return {
            "fulfilment": status,
            "tracking": None,
            "note": "awaiting delivery address" if not address else "queued for shipping",
        }
