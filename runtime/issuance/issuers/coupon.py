"""`coupon_code`: assign one unused code of a pool to the reward, atomically."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from runtime.issuance import coupons
from runtime.issuance.issuers.base import ClaimedReward, IssueError, Issuer


class CouponCodeIssuer(Issuer):
    type = "coupon_code"
    label = "Coupon code"
    config_schema = {
        "type": "object",
        "required": ["pool"],
        "properties": {
            "pool": {"type": "string"},
            "valid_days": {"type": "integer", "minimum": 1},
            "message": {"type": "string"},
        },
    }

    POOL_CACHE_SECONDS = 5.0

    def _pool(self, session: Session, key: str):
        """Pool settings, cached a few seconds per worker (they change rarely)."""
        cache = self.__dict__.setdefault("_pools", {})
        hit = cache.get(key)
        if hit and time.monotonic() - hit[0] < self.POOL_CACHE_SECONDS:
            return hit[1]
        pool = coupons.pool_by_key(session, key)
        if pool is not None:
            session.expunge(pool)
            cache[key] = (time.monotonic(), pool)
        return pool

    def lock_key(self, reward: ClaimedReward) -> tuple:
        return (str(reward.payload.get("pool")), reward.id)

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        pool_key = reward.payload.get("pool")
        if not isinstance(pool_key, str) or not pool_key:
            raise IssueError("payload.pool: a coupon pool key is required", permanent=True)
        pool = self._pool(session, pool_key)
        if pool is None:
            raise IssueError(f"coupon pool {pool_key!r} does not exist")
        valid_days = reward.payload.get("valid_days") or pool.valid_days
        ends = [now + timedelta(days=int(valid_days))] if valid_days else []
        if pool.valid_until is not None:
            ends.append(pool.valid_until)
        valid_until = min(ends) if ends else None
        code = coupons.assign_code(session, pool.id, reward.id, now, valid_until)
        if code is None:
            raise IssueError(f"coupon pool {pool_key!r} has no unused code left")
        return {
            "code": code,
            "pool": pool_key,
            "valid_until": valid_until.isoformat() if valid_until else None,
            "redemption_limit": pool.redemption_limit,
            "message": reward.payload.get("message") or pool.message,
        }
