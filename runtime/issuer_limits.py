"""Issuer limits as stock: the Redis counters draw.lua takes a red packet's amount and a
coupon's code from when it admits a prize (rules.draws), primed from the ledger.

* `budget`: cents of the red packet budget left = the budget's total - paid out - what red
  packet rewards not issued yet have reserved (their `amount_cents`).
* `pool:<key>`: the pool's unassigned codes - codes promised to coupon rewards not issued yet
  - what other published campaigns drawing on the same pool hold in their own counters (read
  before the ledger, so a pool shared by campaigns is never promised twice).

Counters are primed when a campaign is published, grow when codes are uploaded, and are
rebuilt by `runtime.reconcile`. A missing counter counts as nothing left: the prize is not
given rather than promised.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Campaign, CampaignVersion, CouponCode, RedPacketBudget, Reward
from rules.draws import BUDGET, limit_counters, pool_counter, to_cents
from runtime import hotstate

logger = logging.getLogger(__name__)
OUTSTANDING = ("pending", "issuing")  # reward states whose issuer limit is promised, not spent
POOL_PREFIX = pool_counter("")


def reserved_cents(payload: dict[str, Any]) -> int:
    """What a red packet reward not issued yet holds of the budget: the amount its draw
    reserved, or (rewards from before reservations) the most it could pay."""
    if payload.get("amount_cents") is not None:
        return int(payload["amount_cents"])
    amount = (
        payload.get("amount") if payload.get("mode", "fixed") == "fixed" else payload.get("max")
    )
    return to_cents(amount) if amount is not None else 0


def _budget_left(session: Session, campaign_id: int, bundle: dict[str, Any]) -> int:
    row = session.execute(
        select(RedPacketBudget.total_cents, RedPacketBudget.spent_cents).where(
            RedPacketBudget.campaign_id == campaign_id
        )
    ).first()
    if row is not None:
        total, spent = row
    else:
        budget = bundle["limits"].get("budget")
        if not budget:
            return 0
        total, spent = to_cents(budget["amount"]), 0
    payloads = session.scalars(
        select(Reward.payload).where(
            Reward.campaign_id == campaign_id,
            Reward.kind == "red_packet",
            Reward.status.in_(OUTSTANDING),
        )
    )
    return max(0, total - spent - sum(reserved_cents(p or {}) for p in payloads))


def _promised_codes(session: Session, pool: str) -> int:
    payloads = session.scalars(
        select(Reward.payload).where(Reward.kind == "coupon_code", Reward.status.in_(OUTSTANDING))
    )
    return sum(1 for p in payloads if (p or {}).get("pool") == pool)


def _free_codes(session: Session, pool: str) -> int:
    from runtime.issuance.coupons import pool_by_key

    found = pool_by_key(session, pool)
    if found is None:
        return 0
    return session.scalar(
        select(func.count(CouponCode.id)).where(
            CouponCode.pool_id == found.id, CouponCode.reward_id.is_(None)
        )
    )


def campaigns_drawing_on(session: Session, counter: str) -> list[int]:
    """Published campaigns (not ended) whose prizes draw on an issuer-limit counter, by id."""
    rows = session.execute(
        select(Campaign.id, CampaignVersion.snapshot)
        .join(CampaignVersion, CampaignVersion.id == Campaign.published_version_id)
        .where(Campaign.status != "ended")
        .order_by(Campaign.id)
    )
    return [cid for cid, snapshot in rows if counter in limit_counters(snapshot["prizes"])]


def _held_elsewhere(session: Session, campaign_id: int, counter: str) -> int:
    conn = hotstate.client()
    return sum(
        int(conn.hget(hotstate.limits_key(other), counter) or 0)
        for other in campaigns_drawing_on(session, counter)
        if other != campaign_id
    )


def counters_from_ledger(
    session: Session, campaign_id: int, bundle: dict[str, Any]
) -> dict[str, int]:
    """The issuer-limit counters of a campaign's version as the ledger says they should be."""
    counters: dict[str, int] = {}
    for counter in limit_counters(bundle["prizes"]):
        if counter == BUDGET:
            counters[counter] = _budget_left(session, campaign_id, bundle)
            continue
        pool = counter[len(POOL_PREFIX) :]
        elsewhere = _held_elsewhere(session, campaign_id, counter)  # Redis first, then SQL
        counters[counter] = max(
            0, _free_codes(session, pool) - _promised_codes(session, pool) - elsewhere
        )
    return counters


def sync_budget(session: Session, campaign_id: int, bundle: dict[str, Any]) -> int:
    """At publish: make the red packet budget row follow limits.budget when the version pays
    red packets; returns how many cents the budget grew (negative: shrank). Raises ValueError
    (with the field) when the new budget is below what was already paid out."""
    from runtime.issuance import red_packets

    budget = bundle["limits"].get("budget")
    if not budget or BUDGET not in limit_counters(bundle["prizes"]):
        return 0
    before = session.scalar(
        select(RedPacketBudget.total_cents).where(RedPacketBudget.campaign_id == campaign_id)
    )
    cents = to_cents(budget["amount"])
    red_packets.set_budget(session, campaign_id, budget["amount"], budget.get("currency", "CNY"))
    return 0 if before is None else cents - before


def prime(session: Session, campaign_id: int, bundle: dict[str, Any], budget_delta: int) -> None:
    """After a publish commits: counters not primed yet are set from the ledger; the budget
    counter moves by what the budget changed (safe beside live draws, like stock)."""
    counters = counters_from_ledger(session, campaign_id, bundle)
    items = [
        {"key": counter, "left": left, "delta": budget_delta if counter == BUDGET else 0}
        for counter, left in counters.items()
    ]
    hotstate.prime_limits(campaign_id, items)


def codes_added(session: Session, pool: str, added: int) -> None:
    """After new codes of a pool are committed: the first published campaign drawing on the
    pool whose counter is primed may promise them (the others get their share when they are
    reconciled). Never raises: a failure only delays the codes until the next reconcile."""
    if added <= 0:
        return
    counter = pool_counter(pool)
    try:
        conn = hotstate.client()
        for campaign_id in campaigns_drawing_on(session, counter):
            key = hotstate.limits_key(campaign_id)
            if conn.hexists(key, counter):
                conn.hincrby(key, counter, added)
                return
    except Exception:  # Redis away: reconcile primes the counter from the ledger later
        logger.exception(
            "pool %s: %d new codes not counted yet; run `studio reconcile`", pool, added
        )
