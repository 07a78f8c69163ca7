"""`coupon_code`: assign one unused code of a pool to the reward, atomically."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.models import CouponPool
from runtime.issuance import coupons
from runtime.issuance.issuers.base import BulkIssuer, BulkOutcome, ClaimedReward, IssueError


def _pool_key(reward: ClaimedReward) -> str:
    key = reward.payload.get("pool")
    if not isinstance(key, str) or not key:
        raise IssueError("payload.pool: a coupon pool key is required", permanent=True)
    return key


def _valid_until(reward: ClaimedReward, pool: CouponPool, now: datetime) -> datetime | None:
    valid_days = reward.payload.get("valid_days") or pool.valid_days
    ends = [now + timedelta(days=int(valid_days))] if valid_days else []
    if pool.valid_until is not None:
        ends.append(pool.valid_until)
    return min(ends) if ends else None


def _result(reward, pool: CouponPool, code: str, valid_until: datetime | None) -> dict[str, Any]:
    return {
        "code": code,
        "pool": pool.key,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "redemption_limit": pool.redemption_limit,
        "message": reward.payload.get("message") or pool.message,
    }


class CouponCodeIssuer(BulkIssuer):
    type = "coupon_code"

    POOL_CACHE_SECONDS = 5.0

    def _pool(self, session: Session, key: str) -> CouponPool:
        """Pool settings, cached a few seconds per worker (they change rarely)."""
        cache = self.__dict__.setdefault("_pools", {})
        hit = cache.get(key)
        if hit and time.monotonic() - hit[0] < self.POOL_CACHE_SECONDS:
            return hit[1]
        pool = coupons.pool_by_key(session, key)
        if pool is None:
            raise IssueError(f"coupon pool {key!r} does not exist")
        session.expunge(pool)
        cache[key] = (time.monotonic(), pool)
        return pool

    def lock_key(self, reward: ClaimedReward) -> tuple:
        return (str(reward.payload.get("pool")), reward.id)

    def issue(self, session: Session, reward: ClaimedReward, now: datetime) -> dict[str, Any]:
        pool = self._pool(session, _pool_key(reward))
        valid_until = _valid_until(reward, pool, now)
        code = coupons.assign_code(session, pool.id, reward.id, now, valid_until)
        if code is None:
            raise IssueError(f"coupon pool {pool.key!r} has no unused code left")
        return _result(reward, pool, code, valid_until)

    def issue_many(
        self, session: Session, rewards: list[ClaimedReward], now: datetime
    ) -> BulkOutcome:
        outcome = BulkOutcome()
        by_pool: dict[str, list[ClaimedReward]] = defaultdict(list)
        for reward in rewards:
            try:
                by_pool[_pool_key(reward)].append(reward)
            except IssueError as exc:
                outcome.errors[reward.id] = exc
        for key in sorted(by_pool):
            wanted = sorted(by_pool[key], key=lambda r: r.id)
            try:
                pool = self._pool(session, key)
            except IssueError as exc:
                outcome.errors.update((reward.id, exc) for reward in wanted)
                continue
            until = {reward.id: _valid_until(reward, pool, now) for reward in wanted}
            codes = coupons.assign_codes(session, pool.id, list(until.items()), now)
            for reward in wanted:
                if reward.id in codes:
                    outcome.results[reward.id] = _result(
                        reward, pool, codes[reward.id], until[reward.id]
                    )
                else:
                    outcome.errors[reward.id] = IssueError(
                        f"coupon pool {key!r} has no unused code left"
                    )
        return outcome
