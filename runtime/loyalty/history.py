"""Read models of the mall: the rights with stock left and what the caller may still take,
and the caller's exchanges with each part's issuance progress and any refund."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from core.extensions import db
from core.models import Exchange, ExchangePart, MallStock, Reward, utcnow
from runtime.auth import Principal
from runtime.loader import LiveVersion
from runtime.loyalty import spending
from runtime.members import find_member, find_participant
from runtime.reads import reading

HISTORY_LIMIT = 50


def part_status(reward_status: str, refunded: bool) -> str:
    """issuing (pending or being issued), issued, refunded (its points went back), or failed
    (its refund is on its way)."""
    if refunded:
        return "refunded"
    if reward_status in ("pending", "issuing"):
        return "issuing"
    return "issued" if reward_status == "issued" else "failed"


def exchange_status(parts: list[str]) -> str:
    """One word for the whole exchange from its parts' statuses."""
    found = set(parts)
    if "issuing" in found:
        return "issuing"
    if "failed" in found:
        return "failed"
    if found == {"issued"}:
        return "issued"
    if found == {"refunded"}:
        return "refunded"
    return "partly_refunded"


def _parts(exchange_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.session.execute(
        select(
            ExchangePart.exchange_id,
            ExchangePart.part,
            ExchangePart.points,
            ExchangePart.refunded_at,
            Reward.id,
            Reward.kind,
            Reward.status,
            Reward.result,
            Reward.payload,
            Reward.issued_at,
        )
        .join(Reward, Reward.id == ExchangePart.reward_id)
        .where(ExchangePart.exchange_id.in_(exchange_ids))
        .order_by(ExchangePart.exchange_id, ExchangePart.part)
    ).all()
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        refunded = r.refunded_at is not None
        found[r.exchange_id].append(
            {
                "part": r.part,
                "reward_id": r.id,
                "kind": r.kind,
                "name": (r.payload or {}).get("prize_name"),
                "status": part_status(r.status, refunded),
                "result": r.result if r.status == "issued" else None,
                "issued_at": r.issued_at.isoformat() if r.issued_at else None,
                "points": r.points,
                "refunded_at": r.refunded_at.isoformat() if refunded else None,
            }
        )
    return found


def exchange_view(
    row: Exchange,
    spending_balance: int | None,
    parts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One exchange as the participant sees it (in the caller's session)."""
    if parts is None:
        parts = _parts([row.id]).get(row.id, [])
    refunded = sum(p["points"] for p in parts if p["status"] == "refunded")
    view = {
        "exchange_id": row.id,
        "item": row.item_key,
        "choice": row.choice_key,
        "name": parts[0]["name"] if parts else row.item_key,
        "quantity": row.quantity,
        "points": row.points,
        "refunded_points": refunded,
        "status": exchange_status([p["status"] for p in parts]),
        "created_at": row.created_at.isoformat(),
        "parts": parts,
    }
    if spending_balance is not None:
        view["balance"] = spending_balance
    return view


def my_exchanges(live: LiveVersion, principal: Principal) -> list[dict[str, Any]]:
    """The caller's exchanges in this campaign, newest first."""
    pid = find_participant(principal)
    if pid is None:
        return []
    with reading():
        rows = db.session.scalars(
            select(Exchange)
            .where(Exchange.campaign_id == live.campaign_id, Exchange.participant_id == pid)
            .order_by(Exchange.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        parts = _parts([r.id for r in rows]) if rows else {}
        return [exchange_view(r, None, parts.get(r.id, [])) for r in rows]


def _taken_by(pid: int, campaign_id: int, day: str) -> dict[str, tuple[int, int]]:
    """item -> (parts held in all, held today), refunded parts not counted."""
    rows = db.session.execute(
        select(Exchange.item_key, Exchange.day, func.count(ExchangePart.id))
        .join(ExchangePart, ExchangePart.exchange_id == Exchange.id)
        .where(
            Exchange.campaign_id == campaign_id,
            Exchange.participant_id == pid,
            ExchangePart.refunded_at.is_(None),
        )
        .group_by(Exchange.item_key, Exchange.day)
    ).all()
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item_key, on_day, count in rows:
        found[item_key][0] += count
        if on_day == day:
            found[item_key][1] += count
    return {k: (v[0], v[1]) for k, v in found.items()}


def mall_state(live: LiveVersion, principal: Principal) -> dict[str, Any]:
    """The rights (public view) with stock left and, for the caller, the points they can
    spend and how many of each right they may still take."""
    from widgets.loyalty import public_mall_items

    now = utcnow()
    day = live.local_day(now)
    scope = spending.account_scope(live.bundle, live.campaign_id)
    pid = find_participant(principal)
    member = find_member(live.campaign_id, pid)
    with reading():
        stock = dict(
            db.session.execute(
                select(MallStock.item_key, MallStock.stock_total - MallStock.taken).where(
                    MallStock.campaign_id == live.campaign_id
                )
            ).all()
        )
        balance = spending.spendable(db.session, pid, scope, now) if member else 0
        taken = _taken_by(pid, live.campaign_id, day) if member else {}
    items = []
    for item in public_mall_items(live.bundle):
        total, today = taken.get(item["key"], (0, 0))
        stock_left = stock.get(item["key"], item["stock"]) if item["stock"] is not None else None
        left = [stock_left] if stock_left is not None else []
        if item["per_person_limit"] is not None:
            left.append(item["per_person_limit"] - total)
        if item["per_day_limit"] is not None:
            left.append(item["per_day_limit"] - today)
        can_take = max(0, min(left)) if left else None
        items.append(
            {
                **item,
                "stock_left": stock_left,
                "mine": {"total": total, "today": today, "can_take": can_take},
            }
        )
    return {
        "joined": member is not None,
        "points_from": (live.bundle.get("mall") or {}).get("points_from", "campaign"),
        "balance": balance,
        "items": items,
    }
