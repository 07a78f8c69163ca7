"""Expiring issued rewards whose redemption window has passed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import CouponCode, Reward


def expire_coupon_rewards(session: Session, now: datetime, limit: int = 5000) -> int:
    rows = session.execute(
        select(Reward.id, Reward.result)
        .join(CouponCode, CouponCode.reward_id == Reward.id)
        .where(Reward.status == "issued", CouponCode.valid_until < now)
        .limit(limit)
    ).all()
    changed = 0
    for reward_id, result in rows:
        if (result or {}).get("expired"):
            continue
        session.execute(
            update(Reward)
            .where(Reward.id == reward_id)
            .values(result={**(result or {}), "expired": True})
            .execution_options(synchronize_session=False)
        )
        changed += 1
    return changed
