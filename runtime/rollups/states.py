"""Where the rolled-up rewards stand: pending, issuing, failed, cancelled and redeemed.

Reward rows change status in place (the outbox), so these counts are a snapshot, replaced as
a whole, not an increment. Only rewards the rollups have counted (id up to the rewards
cursor, gaps excluded) are looked at, so "issued = rewards - pending - issuing - failed -
cancelled" holds between the two tables. Open statuses are few and found through the status
index; "redeemed" counts coupon codes used at least once and parcels delivered.
"""

from __future__ import annotations

from collections import defaultdict

from flask import current_app
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from core.models import RewardState
from runtime.rollups import cursors
from runtime.rollups.buckets import Zones, hour_sql, parse_hour
from runtime.rollups.runner import snapshot
from runtime.write_gate import write_gate

OPEN_STATUSES = ("pending", "issuing", "failed", "cancelled")
MEMBER = (
    "LEFT JOIN memberships m ON m.campaign_id = r.campaign_id "
    "AND m.participant_id = r.participant_id"
)


def _counted(cursor: cursors.Cursor) -> tuple[str, dict]:
    where, params = "r.id <= :top", {"top": cursor.last_id}
    if cursor.gaps:
        gaps, gap_params = cursors.gap_where("r", cursor.gaps)
        where += f" AND NOT {gaps}"
        params.update(gap_params)
    return where, params


def read_states(session: Session, zones: Zones) -> dict[tuple[int, str, str, str], int]:
    """(campaign, branch, local day created, status) -> rewards."""
    counts: dict[tuple[int, str, str, str], int] = defaultdict(int)
    dialect = session.get_bind().dialect.name
    hour = hour_sql("r.created_at", dialect)
    with snapshot(session):
        counted, params = _counted(cursors.load(session, "rewards"))
        listed = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
        queries = (
            f"SELECT r.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, r.status, "
            f"COUNT(*) FROM rewards r {MEMBER} WHERE r.status IN ({listed}) AND {counted} "
            "GROUP BY r.campaign_id, COALESCE(m.branch_code, ''), h, r.status",
            f"SELECT r.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, 'redeemed', "
            f"COUNT(*) FROM coupon_codes k JOIN rewards r ON r.id = k.reward_id {MEMBER} "
            f"WHERE k.redemptions > 0 AND {counted} "
            "GROUP BY r.campaign_id, COALESCE(m.branch_code, ''), h",
            f"SELECT r.campaign_id, COALESCE(m.branch_code, ''), {hour} AS h, 'redeemed', "
            f"COUNT(*) FROM fulfilments f JOIN rewards r ON r.id = f.reward_id {MEMBER} "
            f"WHERE f.status = 'delivered' AND {counted} "
            "GROUP BY r.campaign_id, COALESCE(m.branch_code, ''), h",
        )
        for sql in queries:
            for campaign, branch, hour_text, status, n in session.execute(text(sql), params):
                day = zones.day(campaign, parse_hour(hour_text))
                counts[(campaign, branch, day, status)] += n
    return counts


def refresh_reward_states(session: Session) -> int:
    """Replace the reward state counts; returns the rows written."""
    with snapshot(session):
        zones = Zones(session, current_app.config.get("STUDIO_TIMEZONE", "Asia/Shanghai"))
    counts = read_states(session, zones)
    with write_gate():
        try:
            session.execute(delete(RewardState))
            if counts:
                session.execute(
                    RewardState.__table__.insert(),
                    [
                        {"campaign_id": c, "branch_code": b, "day": d, "status": s, "rewards": n}
                        for (c, b, d, s), n in counts.items()
                    ],
                )
            session.commit()
        except Exception:
            session.rollback()
            raise
    return len(counts)
