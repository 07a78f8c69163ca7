"""The marketing calendar (seed 004): every campaign and every planned node of the year on a
month or a year view, by branch and status, with overlaps laid out in lanes and counted per
day. Planned entries (CalendarEntry) are what head office and branches intend to run: a
festival, a monthly content push, a quarterly topic, a campaign not built yet."""

from __future__ import annotations

import calendar as cal
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField, validators

from builder.i18n import N_, TranslatedForm, lazy, translate
from builder.reports.campaign import zone_of
from core.extensions import db
from core.models import Branch, CalendarEntry, Campaign
from core.models.reports import CALENDAR_KINDS, CALENDAR_STATUSES

KIND_LABELS = {
    "campaign": N_("Campaign"),
    "content": N_("Content"),
    "topic": N_("Topic"),
    "festival": N_("Festival"),
}
PLAN_STATUS_LABELS = {
    "planned": N_("Planned"),
    "confirmed": N_("Confirmed"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    @classmethod
    def month(cls, year: int, month: int) -> Window:
        return cls(date(year, month, 1), date(year, month, cal.monthrange(year, month)[1]))

    @classmethod
    def year(cls, year: int) -> Window:
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass
class Item:
    source: str  # campaign | plan
    id: int
    name: str
    branch_id: int
    branch: str
    status: str
    kind: str
    start: date
    end: date
    lane: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "name": self.name,
            "branch": self.branch,
            "status": self.status,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "lane": self.lane,
        }


def _campaign_dates(campaign: Campaign, default_zone: str) -> tuple[date, date] | None:
    if campaign.starts_at is None:
        return None
    zone = zone_of(campaign.draft or {}, default_zone)
    end = campaign.ends_at or campaign.starts_at
    return (
        campaign.starts_at.astimezone(zone).date(),
        (end - timedelta(microseconds=1)).astimezone(zone).date(),
    )


def items(
    window: Window,
    scope: set[int],
    branch_ids: set[int],
    statuses: set[str],
    lang: str,
    default_zone: str,
) -> list[Item]:
    """Campaigns and planned entries of `branch_ids` (within `scope`) overlapping `window`;
    `statuses` empty means all."""
    branches = {
        b.id: ((b.name_en or b.name) if lang == "en" else b.name)
        for b in db.session.scalars(select(Branch))
    }
    allowed = scope & branch_ids
    found: list[Item] = []
    for campaign in db.session.scalars(select(Campaign).where(Campaign.branch_id.in_(allowed))):
        dates = _campaign_dates(campaign, default_zone)
        if dates is None or dates[1] < window.start or dates[0] > window.end:
            continue
        if statuses and campaign.status not in statuses:
            continue
        found.append(
            Item(
                "campaign",
                campaign.id,
                campaign.name,
                campaign.branch_id,
                branches.get(campaign.branch_id, ""),
                campaign.status,
                "campaign",
                *dates,
            )
        )
    plans = db.session.scalars(
        select(CalendarEntry).where(
            CalendarEntry.branch_id.in_(allowed),
            CalendarEntry.starts_on <= window.end,
            CalendarEntry.ends_on >= window.start,
        )
    )
    for entry in plans:
        if statuses and entry.status not in statuses:
            continue
        found.append(
            Item(
                "plan",
                entry.id,
                entry.name,
                entry.branch_id,
                branches.get(entry.branch_id, ""),
                entry.status,
                entry.kind,
                entry.starts_on,
                entry.ends_on,
            )
        )
    return lay_out(found)


def lay_out(found: list[Item]) -> list[Item]:
    """Give each item the first lane free on its dates, so overlapping items sit side by side."""
    found.sort(key=lambda i: (i.start, i.end, i.source, i.id))
    lane_ends: list[date] = []
    for item in found:
        for lane, busy_until in enumerate(lane_ends):
            if busy_until < item.start:
                item.lane, lane_ends[lane] = lane, item.end
                break
        else:
            item.lane = len(lane_ends)
            lane_ends.append(item.end)
    return found


def per_day(found: list[Item], window: Window) -> list[dict[str, Any]]:
    """How many campaigns and plans run each day (overlaps at a glance, the year view)."""
    days = []
    current = window.start
    while current <= window.end:
        running = [i for i in found if i.start <= current <= i.end and i.status != "cancelled"]
        days.append(
            {
                "day": current.isoformat(),
                "campaigns": sum(1 for i in running if i.source == "campaign"),
                "plans": sum(1 for i in running if i.source == "plan"),
            }
        )
        current += timedelta(days=1)
    return days


class EntryForm(TranslatedForm):
    """A planned calendar entry; the branch and campaign choices are the user's scope."""

    name = StringField(lazy("Name"), [validators.InputRequired(), validators.Length(max=200)])
    branch_id = SelectField(lazy("Branch"), coerce=int)
    kind = SelectField(lazy("Kind"), choices=[])
    status = SelectField(lazy("Status"), choices=[])
    starts_on = DateField(lazy("Start"), [validators.InputRequired()])
    ends_on = DateField(lazy("End"), [validators.InputRequired()])
    campaign_id = SelectField(lazy("Campaign"), coerce=int, default=0)
    note = TextAreaField(lazy("Note"), [validators.Optional(), validators.Length(max=2000)])

    def fill_choices(self, branches: list[tuple[int, str]], campaigns: list[tuple[int, str]]):
        self.branch_id.choices = branches
        self.kind.choices = [(k, translate(KIND_LABELS[k])) for k in CALENDAR_KINDS]
        self.status.choices = [(s, translate(PLAN_STATUS_LABELS[s])) for s in CALENDAR_STATUSES]
        self.campaign_id.choices = [(0, "—"), *campaigns]

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise validators.ValidationError(translate("The end must not be before the start."))
