"""Badges a participant holds in a campaign, from the ledger (task_completions), and the rule
variables that read them: `badges`, `badges_count` and, on the `badge` trigger, the badge
just earned."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import TaskCompletion
from runtime.reads import reading

BADGE_VARIABLES = ("badges", "badges_count")


def held(campaign_id: int, participant_id: int | None) -> list[str]:
    """The participant's badge keys in the order they were earned."""
    if participant_id is None:
        return []
    with reading():
        return list(
            db.session.scalars(
                select(TaskCompletion.task_key)
                .where(
                    TaskCompletion.campaign_id == campaign_id,
                    TaskCompletion.participant_id == participant_id,
                    TaskCompletion.badge_ordinal.is_not(None),
                )
                .order_by(TaskCompletion.badge_ordinal)
            )
        )


def badge_variables(keys: list[str]) -> dict[str, Any]:
    return {"badges": list(keys), "badges_count": len(keys)}


def supply_badges(src: Any) -> Mapping[str, Any]:
    """Supplier of `badges` / `badges_count` (runtime.variables): a ledger read, only for
    versions whose rules or audience mention badges (see LiveVersion.uses)."""
    if "badges" in src.extra:
        return badge_variables(list(src.extra["badges"]))
    if "badges" not in src.live.uses:
        return badge_variables([])
    return badge_variables(held(src.live.campaign_id, src.participant_id))


def supply_badge_earned(src: Any) -> Mapping[str, Any]:
    """Supplier of `badge_earned`: request data of the `badge` trigger."""
    earned = src.extra.get("badge_earned")
    return {"badge_earned": earned if isinstance(earned, str) else ""}
