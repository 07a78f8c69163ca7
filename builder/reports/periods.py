"""Report periods: whole local days, parsed from the page's fields with a message per field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from builder.i18n import N_

MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def day_list(self) -> list[str]:
        return [(self.start + timedelta(days=n)).isoformat() for n in range(self.days)]

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def utc_bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) of the period's local days, as instants."""
        start = datetime.combine(self.start, time.min, zone)
        end = datetime.combine(self.end + timedelta(days=1), time.min, zone)
        return start, end

    def args(self, prefix: str = "") -> dict[str, str]:
        return {f"{prefix}from": self.start.isoformat(), f"{prefix}to": self.end.isoformat()}

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def parse_period(
    args: Any, default: Period | None, prefix: str = ""
) -> tuple[Period | None, dict[str, str]]:
    """The period named by `<prefix>from` and `<prefix>to`, else `default`; errors by field
    name (messages marked for translation)."""
    errors: dict[str, str] = {}
    raw = {name: (args.get(prefix + name) or "").strip() for name in ("from", "to")}
    if not raw["from"] and not raw["to"]:
        return default, errors
    values: dict[str, date] = {}
    for name, text in raw.items():
        try:
            values[name] = date.fromisoformat(text)
        except ValueError:
            errors[prefix + name] = N_("Enter a date as YYYY-MM-DD.")
    if errors:
        return default, errors
    if values["to"] < values["from"]:
        errors[prefix + "to"] = N_("The end must not be before the start.")
    elif (values["to"] - values["from"]).days >= MAX_DAYS:
        errors[prefix + "to"] = N_("A period may span at most 400 days.")
    if errors:
        return default, errors
    return Period(values["from"], values["to"]), errors


def campaign_period(starts_at: datetime | None, ends_at: datetime | None, zone, today: date):
    """A campaign's whole run in its zone, stopping today while it runs."""
    start = starts_at.astimezone(zone).date() if starts_at else today
    end = (ends_at - timedelta(microseconds=1)).astimezone(zone).date() if ends_at else today
    end = min(end, max(today, start))
    return Period(start, max(start, end))
