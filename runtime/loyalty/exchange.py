"""Exchanging points for a mall right, in one transaction.

The participant's points account is locked first (so one person's exchanges run one at a
time, on PostgreSQL by the row lock, on SQLite by the write lock behind the write gate); due
expiries are posted; the balance, the person's limits and the right's stock are checked; the
stock is taken by a guarded UPDATE (and the ledger CHECK `taken <= stock_total`); the debit
is posted (oldest-expiring credits first, recorded on the exchange) and one reward per part
is written to the outbox, where the usual issuers deliver it. Any refusal rolls everything
back. An Idempotency-Key is stored on the exchange (UNIQUE per participant): a repeat after
a crash answers with the exchange that was made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import Exchange, ExchangePart, MallStock, Reward, utcnow
from runtime.auth import Principal
from runtime.issuance import points
from runtime.loader import CampaignRef, LiveVersion, require_live
from runtime.loyalty import spending
from runtime.members import Member, require_member
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Order:
    """What a participant asked for, checked against the published mall."""

    item: dict[str, Any]
    choice: dict[str, Any] | None
    quantity: int

    @property
    def reward(self) -> dict[str, Any]:
        return (self.choice or self.item)["reward"]

    @property
    def total(self) -> int:
        return self.item["price"] * self.quantity


def _invalid(path: str, message: str) -> ApiProblem:
    errors = [{"path": path, "message": message}]
    return ApiProblem(422, "validation_error", f"{path}: {message}", errors=errors)


def mall_items(live: LiveVersion) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in (live.bundle.get("mall") or {}).get("items") or []}


def order_from(live: LiveVersion, body: dict[str, Any]) -> Order:
    """The order a request body names (422 with the field's path when it names nothing)."""
    item = mall_items(live).get(body["item"])
    if item is None:
        raise _invalid("item", "This campaign's mall has no such right.")
    choices = {c["key"]: c for c in item.get("choices") or []}
    choice = None
    if choices:
        if not body.get("choice"):
            raise _invalid("choice", "Choose one of the right's options.")
        choice = choices.get(body["choice"])
        if choice is None:
            raise _invalid("choice", "This right has no such option.")
    elif body.get("choice"):
        raise _invalid("choice", "This right has no options to choose from.")
    quantity = body.get("quantity") or 1
    if quantity > item["max_quantity"]:
        raise _invalid("quantity", f"At most {item['max_quantity']} parts at a time.")
    return Order(item, choice, quantity)


def units_taken(campaign_id: int, participant_id: int, item_key: str, day: str | None) -> int:
    """Parts of `item_key` the participant holds (not refunded), in all or on `day`."""
    query = (
        select(func.count(ExchangePart.id))
        .join(Exchange, Exchange.id == ExchangePart.exchange_id)
        .where(
            Exchange.campaign_id == campaign_id,
            Exchange.participant_id == participant_id,
            Exchange.item_key == item_key,
            ExchangePart.refunded_at.is_(None),
        )
    )
    if day is not None:
        query = query.where(Exchange.day == day)
    return int(db.session.scalar(query) or 0)


def _check_limits(live: LiveVersion, pid: int, order: Order, day: str) -> None:
    item = order.item
    for limit, on_day, label in (
        (item.get("per_person_limit"), None, "per_person"),
        (item.get("per_day_limit"), day, "per_day"),
    ):
        if limit is None:
            continue
        left = limit - units_taken(live.campaign_id, pid, item["key"], on_day)
        if order.quantity > left:
            raise ApiProblem(
                409,
                "limit_reached",
                f"You can take {max(left, 0)} more of this right" + (" today." if on_day else "."),
                limit=label,
                left=max(left, 0),
            )


def _take_stock(live: LiveVersion, order: Order, now: datetime) -> None:
    taken = db.session.execute(
        update(MallStock)
        .where(
            MallStock.campaign_id == live.campaign_id,
            MallStock.item_key == order.item["key"],
            (MallStock.stock_total.is_(None))
            | (MallStock.taken + order.quantity <= MallStock.stock_total),
        )
        .values(taken=MallStock.taken + order.quantity, updated_at=now)
    ).rowcount
    if taken != 1:
        raise ApiProblem(409, "sold_out", "This right is sold out.")


def reward_payload(order: Order, exchange_id: int, part: int) -> dict[str, Any]:
    """The outbox payload of one part: what the reward kind's issuer reads, plus what the
    participant is shown (name, validity, arrival message)."""
    item, choice = order.item, order.choice
    name = item["name"] + (f" · {choice['name']}" if choice else "")
    shown = {k: item[k] for k in ("valid_days", "message") if item.get(k) is not None}
    return {
        **shown,
        **order.reward,
        "prize_name": name,
        "item_key": item["key"],
        "choice_key": choice["key"] if choice else None,
        "exchange_id": exchange_id,
        "part": part,
    }


def existing_answer(pid: int, key: str, request_hash: str | None) -> dict[str, Any] | None:
    """The exchange an Idempotency-Key already made (409 if it was for another request)."""
    from runtime.loyalty.history import exchange_view

    row = db.session.scalar(
        select(Exchange).where(Exchange.participant_id == pid, Exchange.idempotency_key == key)
    )
    if row is None:
        return None
    if request_hash and row.request_hash and row.request_hash != request_hash:
        raise ApiProblem(
            409, "idempotency_conflict", "This Idempotency-Key was used for a different request."
        )
    return {**exchange_view(row, spending_balance=None), "replayed": True}


def _write(
    live: LiveVersion,
    member: Member,
    order: Order,
    now: datetime,
    key: str | None,
    request_hash: str | None,
) -> tuple[Exchange, list[int], int]:
    pid = member.participant_id
    scope = spending.account_scope(live.bundle, live.campaign_id)
    account = spending.lock_account(db.session, pid, scope)
    balance = spending.expire_due(db.session, account, now) if account is not None else 0
    if balance < order.total:
        raise ApiProblem(
            409,
            "insufficient_points",
            f"This costs {order.total} points; you have {balance}.",
            balance=balance,
            price=order.total,
        )
    day = live.local_day(now)
    _check_limits(live, pid, order, day)
    _take_stock(live, order, now)
    exchange = Exchange(
        campaign_id=live.campaign_id,
        participant_id=pid,
        item_key=order.item["key"],
        choice_key=order.choice["key"] if order.choice else None,
        quantity=order.quantity,
        unit_price=order.item["price"],
        points=order.total,
        scope_id=scope,
        idempotency_key=key,
        request_hash=request_hash,
        day=day,
        branch_code=member.branch_code,
        consumed=spending.consume(db.session, account.id, order.total),
        created_at=now,
    )
    db.session.add(exchange)
    db.session.flush()
    posting = points.post(
        db.session,
        participant_id=pid,
        campaign_id=scope or None,
        delta=-order.total,
        kind="spend",
        source_key=f"exchange:{exchange.id}",
        note=f"exchange {exchange.id}: {order.item['name']}"[:255],
        now=now,
    )
    rewards = []
    for part in range(order.quantity):
        reward = Reward(
            source_key=f"exchange:{exchange.id}:{part}",
            campaign_id=live.campaign_id,
            participant_id=pid,
            prize_key=order.item["key"],
            kind=order.reward["kind"],
            payload=reward_payload(order, exchange.id, part),
            created_at=now,
            available_at=now,
        )
        db.session.add(reward)
        rewards.append(reward)
    db.session.flush()
    for part, reward in enumerate(rewards):
        db.session.add(
            ExchangePart(
                exchange_id=exchange.id, part=part, reward_id=reward.id, points=order.item["price"]
            )
        )
    db.session.flush()
    return exchange, [r.id for r in rewards], posting.balance


def exchange(
    ref: CampaignRef,
    live: LiveVersion,
    principal: Principal,
    body: dict[str, Any],
    key: str | None = None,
    request_hash: str | None = None,
) -> dict[str, Any]:
    """Spend points on a right; the answer names the exchange and its rewards (issuing)."""
    from runtime.issuance import wake
    from runtime.loyalty.history import exchange_view

    now = utcnow()
    require_live(ref, now)
    member = require_member(live.campaign_id, principal)
    order = order_from(live, body)
    if key is not None:
        found = existing_answer(member.participant_id, key, request_hash)
        db.session.rollback()
        if found is not None:
            return found
    with write_gate():
        try:
            row, _rewards, balance = _write(live, member, order, now, key, request_hash)
            answer = {**exchange_view(row, spending_balance=balance), "replayed": False}
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if key is not None:
                found = existing_answer(member.participant_id, key, request_hash)
                db.session.rollback()
                if found is not None:
                    return found
            raise ApiProblem(
                409, "conflict", "Another exchange got in the way; try again."
            ) from None
        except Exception:
            db.session.rollback()
            raise
    wake()
    return answer
