"""What one chunk adds to the rollups, and writing it: INSERT ... ON CONFLICT DO UPDATE that
adds to the counts already there (corrections may subtract)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import MEASURES, RollupBreakdown, RollupCampaignHour, RollupDay, RollupHour
from runtime.rollups.buckets import Zones

Counts = dict[str, int]


def _counts() -> Counts:
    return defaultdict(int)


@dataclass
class Delta:
    """Counts to add, keyed by bucket; `add` feeds the hour, campaign-hour and day tables."""

    zones: Zones
    hours: dict[tuple[int, str, datetime], Counts] = field(
        default_factory=lambda: defaultdict(_counts)
    )
    campaign_hours: dict[tuple[int, datetime], Counts] = field(
        default_factory=lambda: defaultdict(_counts)
    )
    days: dict[tuple[int, str, str], Counts] = field(default_factory=lambda: defaultdict(_counts))
    breakdowns: dict[tuple[int, str, str, str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, campaign_id: int, branch: str, hour: datetime, measure: str, n: int) -> None:
        if not n:
            return
        self.hours[(campaign_id, branch, hour)][measure] += n
        self.campaign_hours[(campaign_id, hour)][measure] += n
        self.days[(campaign_id, branch, self.zones.day(campaign_id, hour))][measure] += n

    def add_item(
        self,
        campaign_id: int,
        branch: str,
        hour: datetime,
        dimension: str,
        item: str,
        count: int,
        amount: int = 0,
    ) -> None:
        day = self.zones.day(campaign_id, hour)
        found = self.breakdowns[(campaign_id, dimension, day, branch, item[:64])]
        found[0] += count
        found[1] += amount

    def __bool__(self) -> bool:
        return bool(self.hours or self.breakdowns)


def _upsert(session: Session, model, keys: tuple[str, ...], measures: tuple[str, ...], rows):
    if not rows:
        return
    table = model.__table__
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={m: table.c[m] + statement.excluded[m] for m in measures},
    )
    session.execute(statement, rows)


def _rows(buckets: dict, keys: tuple[str, ...]) -> list[dict]:
    return [
        {**dict(zip(keys, key, strict=True)), **{m: counts.get(m, 0) for m in MEASURES}}
        for key, counts in buckets.items()
    ]


def write_delta(session: Session, delta: Delta) -> None:
    """Add `delta` to the rollup tables (in the caller's transaction)."""
    hour_keys = ("campaign_id", "branch_code", "hour")
    _upsert(session, RollupHour, hour_keys, MEASURES, _rows(delta.hours, hour_keys))
    campaign_keys = ("campaign_id", "hour")
    _upsert(
        session,
        RollupCampaignHour,
        campaign_keys,
        MEASURES,
        _rows(delta.campaign_hours, campaign_keys),
    )
    day_keys = ("campaign_id", "branch_code", "day")
    _upsert(session, RollupDay, day_keys, MEASURES, _rows(delta.days, day_keys))
    item_keys = ("campaign_id", "dimension", "day", "branch_code", "item")
    _upsert(
        session,
        RollupBreakdown,
        item_keys,
        ("count", "amount"),
        [
            {**dict(zip(item_keys, key, strict=True)), "count": c, "amount": a}
            for key, (c, a) in delta.breakdowns.items()
        ],
    )
