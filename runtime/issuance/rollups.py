"""Hourly rollups (campaign x branch x hour) of joins, draws, wins and rewards issued, rebuilt
from the ledger for the last few hours; reports read these instead of the raw tables."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import ActivityRollup, Draw, Membership, Reward


def _hour(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


def rollup_recent(session: Session, now: datetime, hours: int = 3) -> int:
    """Recompute rollups for hours in [now - hours, now]; returns the rows written."""
    since = _hour(now) - timedelta(hours=hours)
    counts: dict[tuple[int, str, datetime], dict[str, int]] = defaultdict(
        lambda: {"joins": 0, "draws": 0, "wins": 0, "rewards_issued": 0}
    )
    for campaign_id, branch, at, won in session.execute(
        select(Draw.campaign_id, Draw.branch_code, Draw.created_at, Draw.won).where(
            Draw.created_at >= since
        )
    ):
        row = counts[(campaign_id, branch or "", _hour(at))]
        row["draws"] += 1
        row["wins"] += int(bool(won))
    for campaign_id, branch, at in session.execute(
        select(Membership.campaign_id, Membership.branch_code, Membership.joined_at).where(
            Membership.joined_at >= since
        )
    ):
        counts[(campaign_id, branch or "", _hour(at))]["joins"] += 1
    for campaign_id, branch, at in session.execute(
        select(Reward.campaign_id, Draw.branch_code, Reward.issued_at)
        .outerjoin(Draw, Draw.id == Reward.draw_id)
        .where(Reward.status == "issued", Reward.issued_at >= since)
    ):
        counts[(campaign_id, branch or "", _hour(at))]["rewards_issued"] += 1
    session.execute(delete(ActivityRollup).where(ActivityRollup.hour >= since))
    session.add_all(
        ActivityRollup(campaign_id=c, branch_code=b, hour=h, updated_at=now, **values)
        for (c, b, h), values in counts.items()
    )
    session.commit()
    return len(counts)
