"""The mall's stock rows follow the published version: one per right, its total as the bundle
says. A total below what was already taken is refused (with the field's path)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import MallStock, utcnow


def sync_stock(session: Session, campaign_id: int, bundle: dict[str, Any]) -> list[dict[str, str]]:
    """Upsert the campaign's stock rows from `bundle` (in the caller's transaction); the
    problems that refuse the publication, [] when none. Rights a new version drops keep
    their row (their history stays readable) and are simply no longer offered."""
    rows = {
        r.item_key: r
        for r in session.scalars(select(MallStock).where(MallStock.campaign_id == campaign_id))
    }
    problems = []
    now = utcnow()
    for index, item in enumerate((bundle.get("mall") or {}).get("items") or []):
        row = rows.get(item["key"])
        if row is None:
            row = MallStock(campaign_id=campaign_id, item_key=item["key"], taken=0)
            session.add(row)
        total = item["stock"]
        if total is not None and total < (row.taken or 0):
            problems.append(
                {
                    "path": f"mall.items[{index}].stock",
                    "message": f"Stock {total} is below the {row.taken} already exchanged.",
                }
            )
            continue
        row.name = item["name"][:200]
        row.stock_total = total
        row.updated_at = now
    return problems
