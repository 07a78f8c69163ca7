"""Reads of the rollup tables, summed over the buckets a report asks for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from builder.reports.periods import Period
from core.extensions import db
from core.models import (
    MEASURES,
    CampaignInsight,
    RewardState,
    RollupBreakdown,
    RollupCampaignHour,
    RollupDay,
    TrafficRollup,
)

OPEN_STATES = ("pending", "issuing")


def _sums(model) -> list:
    return [func.coalesce(func.sum(getattr(model, m)), 0).label(m) for m in MEASURES]


def day_sums(
    period: Period,
    group_by: Iterable[str] = (),
    campaign_ids: Iterable[int] | None = None,
    branch_codes: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Measures summed over rollup_days in `period`, grouped by columns of rollup_days."""
    columns = [getattr(RollupDay, name) for name in group_by]
    query = select(*columns, *_sums(RollupDay)).where(
        RollupDay.day >= period.start.isoformat(), RollupDay.day <= period.end.isoformat()
    )
    if campaign_ids is not None:
        query = query.where(RollupDay.campaign_id.in_(list(campaign_ids)))
    if branch_codes is not None:
        query = query.where(RollupDay.branch_code.in_(list(branch_codes)))
    if columns:
        query = query.group_by(*columns)
    return [dict(row._mapping) for row in db.session.execute(query)]


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    summed = dict.fromkeys(MEASURES, 0)
    for row in rows:
        for m in MEASURES:
            summed[m] += int(row[m] or 0)
    return summed


def campaign_hours(campaign_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The campaign's hour buckets in [start, end): at most 24 a day, whatever the traffic."""
    columns = [getattr(RollupCampaignHour, m) for m in MEASURES]
    query = (
        select(RollupCampaignHour.hour, *columns)
        .where(
            RollupCampaignHour.campaign_id == campaign_id,
            RollupCampaignHour.hour >= start,
            RollupCampaignHour.hour < end,
        )
        .order_by(RollupCampaignHour.hour)
    )
    return [dict(row._mapping) for row in db.session.execute(query)]


def breakdowns(campaign_id: int, period: Period) -> dict[str, dict[str, list[int]]]:
    """dimension -> item -> [count, amount] in `period`."""
    query = (
        select(
            RollupBreakdown.dimension,
            RollupBreakdown.item,
            func.sum(RollupBreakdown.count),
            func.sum(RollupBreakdown.amount),
        )
        .where(
            RollupBreakdown.campaign_id == campaign_id,
            RollupBreakdown.day >= period.start.isoformat(),
            RollupBreakdown.day <= period.end.isoformat(),
        )
        .group_by(RollupBreakdown.dimension, RollupBreakdown.item)
    )
    found: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for dimension, item, count, amount in db.session.execute(query):
        found[dimension][item] = [int(count or 0), int(amount or 0)]
    return found


def cost_by_day(campaign_id: int, period: Period) -> dict[str, dict[str, list[int]]]:
    """day -> prize -> [rewards, cents paid], for cost against budget over time."""
    query = (
        select(
            RollupBreakdown.day,
            RollupBreakdown.item,
            func.sum(RollupBreakdown.count),
            func.sum(RollupBreakdown.amount),
        )
        .where(
            RollupBreakdown.campaign_id == campaign_id,
            RollupBreakdown.dimension == "reward",
            RollupBreakdown.day >= period.start.isoformat(),
            RollupBreakdown.day <= period.end.isoformat(),
        )
        .group_by(RollupBreakdown.day, RollupBreakdown.item)
    )
    found: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for day, item, count, amount in db.session.execute(query):
        found[day][item] = [int(count or 0), int(amount or 0)]
    return found


def reward_states(
    period: Period,
    campaign_ids: Iterable[int] | None = None,
    branch_codes: Iterable[str] | None = None,
) -> dict[str, int]:
    query = (
        select(RewardState.status, func.sum(RewardState.rewards))
        .where(
            RewardState.day >= period.start.isoformat(), RewardState.day <= period.end.isoformat()
        )
        .group_by(RewardState.status)
    )
    if campaign_ids is not None:
        query = query.where(RewardState.campaign_id.in_(list(campaign_ids)))
    if branch_codes is not None:
        query = query.where(RewardState.branch_code.in_(list(branch_codes)))
    return {status: int(n or 0) for status, n in db.session.execute(query)}


def traffic(campaign_id: int, grain: str, low: str, high: str) -> dict[str, dict[str, int]]:
    """bucket -> views, visitors, clicks for buckets in [low, high]."""
    query = select(TrafficRollup).where(
        TrafficRollup.campaign_id == campaign_id,
        TrafficRollup.grain == grain,
        TrafficRollup.bucket >= low,
        TrafficRollup.bucket <= high,
    )
    return {
        row.bucket: {"views": row.views, "visitors": row.visitors, "clicks": row.clicks}
        for row in db.session.scalars(query)
    }


def referrals(campaign_id: int) -> dict[str, Any]:
    row = db.session.get(CampaignInsight, campaign_id)
    return dict(row.referrals) if row else {}


def issued(created: int, states: dict[str, int]) -> int:
    """Rewards issued: created minus those still open, failed or cancelled."""
    unfinished = sum(states.get(s, 0) for s in (*OPEN_STATES, "failed", "cancelled"))
    return max(0, created - unfinished)
