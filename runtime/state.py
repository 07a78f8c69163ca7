"""Read models for participants: my state in a campaign, my rewards, my points balance."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import Campaign, Draw, Reward
from runtime import hotstate
from runtime.auth import Principal
from runtime.loader import LiveVersion
from runtime.loyalty.spending import account_scope
from runtime.members import find_member, find_participant
from runtime.reads import reading


def points_balance(participant_id: int, scope_id: int | None = None) -> int:
    """The ledger balance in one points scope (a campaign's id, 0 = bank-wide), or across every
    scope when `scope_id` is None."""
    from runtime.issuance.points import balance

    return int(balance(participant_id, scope_id))


def points_pending(live: LiveVersion, participant_id: int, scope_id: int) -> int:
    """Points this campaign awarded that a worker has not credited yet. They land in the
    campaign's own scope, so a page showing another scope (a mall spending bank-wide points)
    has none on the way."""
    if scope_id != live.campaign_id:
        return 0
    with reading():
        payloads = db.session.scalars(
            select(Reward.payload).where(
                Reward.participant_id == participant_id,
                Reward.campaign_id == live.campaign_id,
                Reward.kind == "points",
                Reward.status.in_(("pending", "issuing")),
            )
        )
        return sum(int((p or {}).get("amount") or 0) for p in payloads)


def campaign_state(live: LiveVersion, principal: Principal) -> dict[str, Any]:
    from runtime.loader import utcnow_day

    pid = find_participant(principal)
    member = find_member(live.campaign_id, pid)
    if member is None:
        return {
            "joined": False,
            "chances": {},
            "draws": 0,
            "draws_today": 0,
            "wins": 0,
            "points": 0,
            "points_pending": 0,
            "streak": 0,
            "checkins": 0,
            "referral_code": None,
            "share_link": None,
            "recent_draws": [],
        }
    person = hotstate.person_state(live.campaign_id, member.participant_id)
    day = utcnow_day(live)
    # the scope this campaign's page spends and shows (spending.account_scope): its own points,
    # or the bank-wide ones for a mall that spends those; never every scope summed
    scope = account_scope(live.bundle, live.campaign_id)
    with reading():
        draws = db.session.execute(
            select(Draw.id, Draw.prize_key, Draw.created_at)
            .where(
                Draw.campaign_id == live.campaign_id, Draw.participant_id == member.participant_id
            )
            .order_by(Draw.id.desc())
            .limit(10)
        ).all()
    streak = hotstate.as_int(person, "cs")
    last = person.get("cl")
    if last and last < (utcnow_day(live, days_ago=1)):
        streak = 0
    return {
        "joined": True,
        "chances": {k: hotstate.chances_by_kind(person).get(k, 0) for k in live.kinds},
        "draws": hotstate.as_int(person, "d"),
        "draws_today": hotstate.as_int(person, f"d:{day}"),
        "wins": hotstate.as_int(person, "w"),
        "points": points_balance(member.participant_id, scope),
        "points_pending": points_pending(live, member.participant_id, scope),
        "streak": streak,
        "checkins": hotstate.as_int(person, "ci"),
        "referral_code": member.referral_code,
        "share_link": f"/c/{live.slug}?ref={member.referral_code}",
        # `won` and `consolation` as the draw answered them (docs/api.md); `wins` above counts
        # prizes that are not the consolation prize
        "recent_draws": [
            {
                "id": d.id,
                "prize_key": d.prize_key,
                "won": d.prize_key is not None,
                "consolation": d.prize_key is not None and d.prize_key == live.fallback,
                "at": d.created_at.isoformat(),
            }
            for d in draws
        ],
    }


# What a participant may see of a reward's payload: the prize and what it is worth to them,
# not the bank's cost (`value`), the code pool it draws from or the partner's SKU.
PUBLIC_PAYLOAD_KEYS = frozenset(
    {
        "kind",
        "prize_key",
        "prize_name",
        "amount",
        "amount_cents",
        "mode",
        "min",
        "max",
        "valid_days",
        "message",
        "note",
    }
)


def public_payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (payload or {}).items() if k in PUBLIC_PAYLOAD_KEYS}


def _refunded(reward_ids: list[int]) -> set[int]:
    """Which of these (cancelled) rewards were mall exchange parts whose points went back."""
    from core.models import ExchangePart

    if not reward_ids:
        return set()
    return set(
        db.session.scalars(
            select(ExchangePart.reward_id).where(
                ExchangePart.reward_id.in_(reward_ids), ExchangePart.refunded_at.is_not(None)
            )
        )
    )


def rewards(principal: Principal) -> list[dict[str, Any]]:
    pid = find_participant(principal)
    if pid is None:
        return []
    with reading():
        rows = db.session.execute(
            select(Reward, Campaign.slug)
            .join(Campaign, Campaign.id == Reward.campaign_id)
            .where(Reward.participant_id == pid)
            .order_by(Reward.id.desc())
            .limit(200)
        ).all()
        refunded = _refunded([r.id for r, _ in rows if r.status == "cancelled"])
        return [
            {
                "id": r.id,
                "campaign": slug,
                "prize_key": r.prize_key,
                "kind": r.kind,
                "status": r.status,
                "refunded": r.id in refunded,
                "payload": public_payload(r.payload),
                "result": r.result if r.status == "issued" else None,
                "created_at": r.created_at.isoformat(),
                "issued_at": r.issued_at.isoformat() if r.issued_at else None,
            }
            for r, slug in rows
        ]
