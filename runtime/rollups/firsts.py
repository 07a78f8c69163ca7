"""Keeping "first" counts exact when a row is counted out of order.

A participant's first draw counts once in `drawers` (their first win once in `winners`), in
the bucket of the lowest id counted so far. Rows are counted in id order, so that holds, except
for a row counted late (a gap: an id that became visible after later ones were counted). When
such a row is now the participant's first, the mark moves: -1 in the bucket of the row that
held it, the +1 for the late row coming from the ordinary count.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from runtime.rollups.buckets import hour_sql, parse_hour
from runtime.rollups.delta import Delta

FIRSTS = (("drawers", False), ("winners", True))


def _lowest(rows, won_only: bool) -> dict[tuple[int, int], int]:
    lowest: dict[tuple[int, int], int] = {}
    for draw_id, campaign, participant, won in rows:
        if won_only and not won:
            continue
        key = (campaign, participant)
        lowest[key] = min(lowest.get(key, draw_id), draw_id)
    return lowest


def correct_late_draws(session: Session, late_ids: list[int], counted_to: int, delta: Delta):
    """Move first-draw/first-win marks for draws in `late_ids` (counted now, out of order);
    `counted_to` is the cursor's last id before this chunk."""
    if not late_ids:
        return
    dialect = session.get_bind().dialect.name
    late = set(late_ids)
    listed = ", ".join(str(int(i)) for i in sorted(late))
    rows = session.execute(
        text(f"SELECT id, campaign_id, participant_id, won FROM draws WHERE id IN ({listed})")
    ).all()
    hour = hour_sql("created_at", dialect)
    for measure, won_only in FIRSTS:
        won = "AND won = :yes" if won_only else ""
        for (campaign, participant), first in _lowest(rows, won_only).items():
            params = {"c": campaign, "p": participant, "g": first, "top": counted_to, "yes": True}
            earlier = session.execute(
                text(
                    "SELECT 1 FROM draws WHERE campaign_id = :c AND participant_id = :p "
                    f"AND id < :g {won} LIMIT 1"
                ),
                params,
            ).first()
            if earlier is not None:
                continue
            later = session.execute(
                text(
                    f"SELECT id, COALESCE(branch_code, ''), {hour} FROM draws "
                    "WHERE campaign_id = :c AND participant_id = :p AND id > :g "
                    f"AND id <= :top {won} ORDER BY id"
                ),
                params,
            )
            for draw_id, branch, hour_text in later:
                if draw_id in late:
                    continue
                delta.add(campaign, branch, parse_hour(hour_text), measure, -1)
                break
