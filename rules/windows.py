"""Time windows in the campaign's own time zone: weekly, monthly and date-range windows.

Windows are wall-clock ranges [start, end) in local time, so "Friday 20:00-21:00" stays 20:00 on
both sides of a DST change. A local time skipped by a spring-forward gap never occurs (a window
lying wholly inside the gap does not open that day); a local hour repeated by a fall-back change
occurs twice and the window is open during both. A monthly day that a month lacks (the 31st in
November) simply does not occur that month. "24:00" as an end means the end of that day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_SCAN_DAYS = 3700


def zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def parse_local(value: str, tz: tzinfo | str) -> datetime:
    """An ISO datetime string as an aware datetime; naive values are wall time in `tz`."""
    dt = datetime.fromisoformat(value)
    return dt.replace(tzinfo=zone(tz)) if dt.tzinfo is None else dt


def campaign_bounds(schedule: dict[str, Any]) -> tuple[datetime, datetime]:
    tz = zone(schedule.get("timezone", "Asia/Shanghai"))
    return parse_local(schedule["starts_at"], tz), parse_local(schedule["ends_at"], tz)


def minutes(hhmm: str) -> int:
    """'20:30' -> 1230; '24:00' -> 1440."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def window_predicate(window: dict[str, Any], tz: tzinfo | str) -> Callable[[datetime], bool]:
    """A fast test `open(local_dt)` taking a datetime already converted to the zone."""
    tz = zone(tz)
    if window.get("dates"):
        lo = parse_local(window["dates"]["from"], tz)
        hi = parse_local(window["dates"]["to"], tz)
        return lambda local: lo <= local < hi
    spec = window.get("weekly") or window.get("monthly") or {}
    lo_s = minutes(spec.get("start", "00:00")) * 60
    hi_s = minutes(spec.get("end", "24:00")) * 60
    if window.get("weekly"):
        days = frozenset(WEEKDAYS.index(d) for d in spec["days"])

        def weekly(local: datetime) -> bool:
            secs = local.hour * 3600 + local.minute * 60 + local.second
            return local.weekday() in days and lo_s <= secs < hi_s

        return weekly
    mdays = frozenset(spec["days"])

    def monthly(local: datetime) -> bool:
        secs = local.hour * 3600 + local.minute * 60 + local.second
        return local.day in mdays and lo_s <= secs < hi_s

    return monthly


def is_open(window: dict[str, Any], now: datetime, tz: tzinfo | str) -> bool:
    """Whether `window` is open at the aware instant `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = zone(tz)
    return window_predicate(window, tz)(now.astimezone(tz))


def open_windows(schedule: dict[str, Any], now: datetime) -> list[str]:
    """Ids of the schedule's windows open at `now` (independent of the campaign's own period)."""
    tz = zone(schedule.get("timezone", "Asia/Shanghai"))
    local = now.astimezone(tz)
    return [w["id"] for w in schedule.get("windows", []) if window_predicate(w, tz)(local)]


class LocalClock:
    """A schedule's zone, start and window tests, prepared once; `variables(now)` gives the
    catalog's time variables (what `local_time_variables` gives, without re-reading the
    schedule on every call)."""

    def __init__(self, schedule: dict[str, Any]) -> None:
        self.tz = zone(schedule.get("timezone", "Asia/Shanghai"))
        self.start, _ = campaign_bounds(schedule)
        self.windows = [
            (w["id"], window_predicate(w, self.tz)) for w in schedule.get("windows", [])
        ]

    def variables(self, now: datetime) -> dict[str, Any]:
        local = now.astimezone(self.tz)
        return {
            "hour": local.hour,
            "weekday": local.isoweekday(),
            "day_of_month": local.day,
            "date": local.date().isoformat(),
            "minutes_since_start": int((now - self.start).total_seconds() // 60),
            "active_windows": [wid for wid, test in self.windows if test(local)],
        }


def local_time_variables(schedule: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The time variables of the catalog (hour, weekday 1-7, ...) for `now` in the campaign zone."""
    return LocalClock(schedule).variables(now)


@dataclass(frozen=True)
class Transition:
    """A moment when something changes: kind is window_open, window_close, campaign_start/end."""

    at: datetime
    kind: str
    window: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kind": self.kind, "window": self.window}


def _dates(lo: date, hi: date) -> Iterable[date]:
    day = lo
    while day <= hi:
        yield day
        day += timedelta(days=1)


def _boundary_instants(window: dict[str, Any], tz: tzinfo, lo: date, hi: date) -> set[datetime]:
    if window.get("dates"):
        return {parse_local(window["dates"][k], tz).astimezone(UTC) for k in ("from", "to")}
    spec = window.get("weekly") or window.get("monthly")
    found: set[datetime] = set()
    for day in _dates(lo, hi):
        for hhmm in (spec.get("start", "00:00"), spec.get("end", "24:00")):
            naive = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes(hhmm))
            for fold in (0, 1):
                found.add(naive.replace(tzinfo=tz, fold=fold).astimezone(UTC))
    return found


def offset_changes(tz: tzinfo, after: datetime, until: datetime) -> list[datetime]:
    """Instants in (after, until] where the zone's UTC offset changes (DST), to the second."""
    changes = []
    step = timedelta(hours=1)
    cur = after.astimezone(UTC)
    prev_off = cur.astimezone(tz).utcoffset()
    while cur < until:
        nxt = min(cur + step, until.astimezone(UTC))
        off = nxt.astimezone(tz).utcoffset()
        if off != prev_off:
            lo, hi = cur, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == prev_off:
                    lo = mid
                else:
                    hi = mid
            changes.append(hi.replace(microsecond=0))
            prev_off = off
        cur = nxt
    return changes


def next_transitions(
    schedule: dict[str, Any], after: datetime, until: datetime
) -> list[Transition]:
    """Every window opening/closing and campaign start/end in (after, until], in time order."""
    tz = zone(schedule.get("timezone", "Asia/Shanghai"))
    lo_day = after.astimezone(tz).date() - timedelta(days=1)
    hi_day = until.astimezone(tz).date() + timedelta(days=1)
    if (hi_day - lo_day).days > _MAX_SCAN_DAYS:
        raise ValueError("range too long: ask for at most ten years at a time")
    found: list[Transition] = []
    start, end = campaign_bounds(schedule)
    for at, kind in ((start, "campaign_start"), (end, "campaign_end")):
        if after < at <= until:
            found.append(Transition(at.astimezone(UTC), kind))
    dst = offset_changes(tz, after, until)
    for window in schedule.get("windows", []):
        pred = window_predicate(window, tz)
        cands = sorted(
            c
            for c in _boundary_instants(window, tz, lo_day, hi_day).union(dst)
            if after < c <= until
        )
        state = pred(after.astimezone(tz))
        for cand in cands:
            now_open = pred(cand.astimezone(tz))
            if now_open != state:
                found.append(
                    Transition(cand, "window_open" if now_open else "window_close", window["id"])
                )
                state = now_open
    found.sort(key=lambda t: (t.at, t.kind != "window_close"))
    return found


def first_opening(
    window: dict[str, Any], start: datetime, end: datetime, tz: tzinfo | str
) -> datetime | None:
    """The first local wall time in [start, end) when the window is open, or None (for checks)."""
    tz = zone(tz)
    if window.get("dates"):
        lo = max(parse_local(window["dates"]["from"], tz), start)
        hi = min(parse_local(window["dates"]["to"], tz), end)
        return lo if lo < hi else None
    spec = window.get("weekly") or window.get("monthly")
    lo_m, hi_m = minutes(spec.get("start", "00:00")), minutes(spec.get("end", "24:00"))
    if lo_m >= hi_m:
        return None
    s_local, e_local = (
        start.astimezone(tz).replace(tzinfo=None),
        end.astimezone(tz).replace(tzinfo=None),
    )
    days = frozenset(spec["days"])
    for day in _dates(
        s_local.date(), min(e_local.date(), s_local.date() + timedelta(days=_MAX_SCAN_DAYS))
    ):
        key = WEEKDAYS[day.weekday()] if window.get("weekly") else day.day
        if key not in days:
            continue
        base = datetime.combine(day, datetime.min.time())
        w_lo, w_hi = base + timedelta(minutes=lo_m), base + timedelta(minutes=hi_m)
        lo, hi = max(w_lo, s_local), min(w_hi, e_local)
        if lo < hi:
            return lo.replace(tzinfo=tz)
    return None
