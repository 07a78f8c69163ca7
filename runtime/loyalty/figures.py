"""The loyalty lines of a campaign's report: the mall (exchanges, parts, points spent and
refunded, people, stock) and the tasks (completions, badges, points, how many badges people
hold), plus an hourly series for charts and rollups.

The ledger is rollup-friendly: `exchanges`, `exchange_parts` and `task_completions` only grow
(ids increase, rows never move campaign or hour; a part's `refunded_at` is set once), each
carries its campaign and time, and `exchanges` its branch (the member's), so a rollup job can
count them by id cursor exactly as it counts draws. These functions read the ledger directly
with a few grouped queries (indexed by campaign), which is what a report of one campaign needs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.models import Exchange, ExchangePart, MallStock, Reward, TaskCompletion


def _hour(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


def mall_figures(session: Session, campaign_id: int) -> dict[str, Any]:
    """Per right and in total: exchanges, people, parts (issued, waiting, refunded), points
    spent and refunded, and the stock taken and left."""
    refunded = ExchangePart.refunded_at.is_not(None)
    rows = session.execute(
        select(
            Exchange.item_key,
            func.count(func.distinct(Exchange.id)),
            func.count(func.distinct(Exchange.participant_id)),
            func.count(ExchangePart.id),
            func.sum(case((Reward.status == "issued", 1), else_=0)),
            func.sum(case((refunded, 1), else_=0)),
            func.sum(ExchangePart.points),
            func.sum(case((refunded, ExchangePart.points), else_=0)),
        )
        .join(ExchangePart, ExchangePart.exchange_id == Exchange.id)
        .join(Reward, Reward.id == ExchangePart.reward_id)
        .where(Exchange.campaign_id == campaign_id)
        .group_by(Exchange.item_key)
    ).all()
    stock = {
        r.item_key: r
        for r in session.execute(select(MallStock).where(MallStock.campaign_id == campaign_id))
        .scalars()
        .all()
    }
    items = []
    for key, exchanges, people, parts, issued, back, points, points_back in rows:
        row = stock.get(key)
        items.append(
            {
                "item": key,
                "name": row.name if row else key,
                "exchanges": exchanges,
                "people": people,
                "parts": parts,
                "parts_issued": int(issued or 0),
                "parts_refunded": int(back or 0),
                "parts_waiting": parts - int(issued or 0) - int(back or 0),
                "points_spent": int(points or 0) - int(points_back or 0),
                "points_refunded": int(points_back or 0),
                "stock_total": row.stock_total if row else None,
                "stock_taken": row.taken if row else None,
            }
        )
    people = session.scalar(
        select(func.count(func.distinct(Exchange.participant_id))).where(
            Exchange.campaign_id == campaign_id
        )
    )
    totals = {
        k: sum(i[k] for i in items)
        for k in ("exchanges", "parts", "parts_issued", "parts_refunded", "parts_waiting")
    }
    totals.update(
        people=int(people or 0),
        points_spent=sum(i["points_spent"] for i in items),
        points_refunded=sum(i["points_refunded"] for i in items),
    )
    return {"items": sorted(items, key=lambda i: i["item"]), "totals": totals}


def task_figures(session: Session, campaign_id: int) -> dict[str, Any]:
    """Per task: people who completed it, badges lit, points awarded; how many people hold
    1, 2, 3... badges (the "collect N" funnel)."""
    rows = session.execute(
        select(
            TaskCompletion.task_key,
            func.count(TaskCompletion.id),
            func.count(TaskCompletion.badge_ordinal),
            func.coalesce(func.sum(TaskCompletion.points), 0),
        )
        .where(TaskCompletion.campaign_id == campaign_id)
        .group_by(TaskCompletion.task_key)
    ).all()
    held = session.execute(
        select(TaskCompletion.participant_id, func.count(TaskCompletion.badge_ordinal))
        .where(TaskCompletion.campaign_id == campaign_id)
        .group_by(TaskCompletion.participant_id)
    ).all()
    holders = Counter(count for _, count in held if count)
    return {
        "tasks": [
            {"task": key, "completions": done, "badges": badges, "points": int(points)}
            for key, done, badges, points in sorted(rows)
        ],
        "people": len(held),
        "badge_holders": {n: holders[n] for n in sorted(holders)},
        # people holding at least n badges, n = 1..most
        "at_least": {
            n: sum(c for k, c in holders.items() if k >= n)
            for n in range(1, max(holders, default=0) + 1)
        },
    }


def loyalty_by_hour(
    session: Session, campaign_id: int, since: datetime | None = None
) -> list[dict[str, Any]]:
    """UTC hour -> exchanges, points spent, parts refunded (at their refund's hour), task
    completions and badges, for charts (only hours with something in them)."""
    hours: dict[datetime, dict[str, int]] = defaultdict(
        lambda: {"exchanges": 0, "points_spent": 0, "parts_refunded": 0, "tasks": 0, "badges": 0}
    )
    query = select(Exchange.created_at, Exchange.points).where(Exchange.campaign_id == campaign_id)
    if since is not None:
        query = query.where(Exchange.created_at >= since)
    for at, points in session.execute(query):
        bucket = hours[_hour(at)]
        bucket["exchanges"] += 1
        bucket["points_spent"] += points
    query = (
        select(ExchangePart.refunded_at)
        .join(Exchange, Exchange.id == ExchangePart.exchange_id)
        .where(Exchange.campaign_id == campaign_id, ExchangePart.refunded_at.is_not(None))
    )
    if since is not None:
        query = query.where(ExchangePart.refunded_at >= since)
    for (at,) in session.execute(query):
        hours[_hour(at)]["parts_refunded"] += 1
    query = select(TaskCompletion.created_at, TaskCompletion.badge_ordinal).where(
        TaskCompletion.campaign_id == campaign_id
    )
    if since is not None:
        query = query.where(TaskCompletion.created_at >= since)
    for at, ordinal in session.execute(query):
        bucket = hours[_hour(at)]
        bucket["tasks"] += 1
        bucket["badges"] += int(ordinal is not None)
    return [{"hour": hour.isoformat(), **hours[hour]} for hour in sorted(hours)]
