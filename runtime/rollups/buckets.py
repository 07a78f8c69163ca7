"""Buckets: the UTC hour a ledger row falls in, and the campaign's local day of that hour.

Both dialects give the hour as text `YYYY-MM-DD HH` (SQLite stores UTC timestamps as text;
PostgreSQL formats them in UTC), so a chunk groups in SQL and Python parses a few hundred
distinct hours at most. The local day is the campaign's zone (its published version's, else
its draft's, else STUDIO_TIMEZONE): exact for zones whose offset is whole hours, as nearly
all are; in a zone with a half-hour offset an hour bucket belongs to the day it starts in.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Campaign, CampaignVersion


def hour_sql(column: str, dialect: str) -> str:
    """SQL giving `column` (a UTC timestamp) as its hour, `YYYY-MM-DD HH`."""
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
    return f"substr({column}, 1, 13)"


@functools.lru_cache(maxsize=65536)
def parse_hour(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=UTC)


@functools.lru_cache(maxsize=1024)
def zone_named(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - a zone name the host lacks: UTC rather than a crash
        return UTC


def local_day(hour: datetime, zone: tzinfo) -> str:
    return hour.astimezone(zone).date().isoformat()


def campaign_zones(session: Session, default: str) -> dict[int, tzinfo]:
    """Each campaign's zone: the published version's schedule, else the draft's."""
    zones: dict[int, tzinfo] = {}
    rows = session.execute(
        select(Campaign.id, Campaign.draft, CampaignVersion.snapshot).outerjoin(
            CampaignVersion, CampaignVersion.id == Campaign.published_version_id
        )
    )
    for campaign_id, draft, snapshot in rows:
        bundle = snapshot or draft or {}
        name = (bundle.get("schedule") or {}).get("timezone") or default
        zones[campaign_id] = zone_named(name)
    return zones


class Zones:
    """Campaign zones for one job run; a campaign created meanwhile is looked up once."""

    def __init__(self, session: Session, default: str) -> None:
        self.session, self.default = session, default
        self.known = campaign_zones(session, default)
        self.days: dict[tuple[int, datetime], str] = {}

    def __getitem__(self, campaign_id: int) -> tzinfo:
        found = self.known.get(campaign_id)
        if found is None:
            self.known = campaign_zones(self.session, self.default)
            found = self.known.setdefault(campaign_id, zone_named(self.default))
        return found

    def day(self, campaign_id: int, hour: datetime) -> str:
        found = self.days.get((campaign_id, hour))
        if found is None:
            found = self.days[(campaign_id, hour)] = local_day(hour, self[campaign_id])
        return found
