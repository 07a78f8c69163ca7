"""Windows: weekly/monthly/date ranges across midnight, DST and month ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules import local_time_variables
from rules.windows import is_open, next_transitions, open_windows

FRI = {"id": "fri", "weekly": {"days": ["fri"], "start": "20:00", "end": "21:00"}}
DAY18 = {"id": "d18", "monthly": {"days": [18], "start": "00:00", "end": "24:00"}}
NY, LONDON, SH = ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Shanghai")


def at(tz, *args, fold=0):
    return datetime(*args, tzinfo=tz, fold=fold)


@pytest.mark.parametrize(
    "local, expected",
    [
        ((2026, 11, 6, 19, 59, 59), False),
        ((2026, 11, 6, 20, 0), True),
        ((2026, 11, 6, 20, 59, 59), True),
        ((2026, 11, 6, 21, 0), False),
        ((2026, 11, 7, 20, 30), False),
    ],
)
def test_weekly_bounds(local, expected):
    assert is_open(FRI, at(SH, *local), "Asia/Shanghai") is expected


def test_weekly_uses_campaign_zone_not_utc():
    # Friday 20:30 in Shanghai is Friday 12:30 UTC
    assert is_open(FRI, datetime(2026, 11, 6, 12, 30, tzinfo=UTC), SH)
    assert not is_open(FRI, datetime(2026, 11, 6, 20, 30, tzinfo=UTC), SH)


def test_naive_now_refused():
    with pytest.raises(ValueError):
        is_open(FRI, datetime(2026, 11, 6, 20, 30), SH)


def test_monthly_until_midnight_24_00():
    assert is_open(DAY18, at(SH, 2026, 11, 18, 0, 0), SH)
    assert is_open(DAY18, at(SH, 2026, 11, 18, 23, 59, 59), SH)
    assert not is_open(DAY18, at(SH, 2026, 11, 19, 0, 0), SH)
    assert not is_open(DAY18, at(SH, 2026, 11, 17, 23, 59, 59), SH)


def test_day_31_does_not_occur_in_30_day_months():
    w = {"id": "d31", "monthly": {"days": [31]}}
    sched = {
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-11-01T00:00:00",
        "ends_at": "2027-01-01T00:00:00",
        "windows": [w],
    }
    found = next_transitions(sched, at(SH, 2026, 11, 1), at(SH, 2027, 1, 2))
    opens = [t.at.astimezone(SH).date().isoformat() for t in found if t.kind == "window_open"]
    assert opens == ["2026-12-31"]


def test_dates_window_with_offset():
    w = {
        "id": "launch",
        "dates": {"from": "2026-11-01T10:00:00+08:00", "to": "2026-11-01T12:00:00"},
    }
    assert is_open(w, datetime(2026, 11, 1, 2, 0, tzinfo=UTC), SH)
    assert not is_open(w, datetime(2026, 11, 1, 4, 0, tzinfo=UTC), SH)


@pytest.mark.parametrize(
    "tz, day",
    [(NY, (2026, 3, 6)), (NY, (2026, 3, 13)), (LONDON, (2026, 3, 27)), (LONDON, (2026, 4, 3))],
)
def test_weekly_stays_at_wall_clock_across_dst(tz, day):
    assert is_open(FRI, at(tz, *day, 20, 30), tz)
    sched = {
        "timezone": tz.key,
        "starts_at": "2026-03-01T00:00:00",
        "ends_at": "2026-05-01T00:00:00",
        "windows": [FRI],
    }
    found = next_transitions(sched, at(tz, *day, 0, 0), at(tz, *day, 23, 0))
    assert [(t.kind, t.at.astimezone(tz).hour) for t in found] == [
        ("window_open", 20),
        ("window_close", 21),
    ]
    assert found[1].at - found[0].at == timedelta(hours=1)


def test_window_inside_spring_forward_gap_never_opens():
    gap = {"id": "gap", "weekly": {"days": ["sun"], "start": "02:10", "end": "02:50"}}
    sched = {
        "timezone": "America/New_York",
        "starts_at": "2026-03-01T00:00:00",
        "ends_at": "2026-04-01T00:00:00",
        "windows": [gap],
    }
    found = next_transitions(sched, at(NY, 2026, 3, 7), at(NY, 2026, 3, 9))
    assert found == []
    later = next_transitions(sched, at(NY, 2026, 3, 14), at(NY, 2026, 3, 16))
    assert len(later) == 2


def test_window_starting_in_gap_opens_when_clock_jumps():
    w = {"id": "early", "weekly": {"days": ["sun"], "start": "02:30", "end": "05:00"}}
    sched = {
        "timezone": "America/New_York",
        "starts_at": "2026-03-01T00:00:00",
        "ends_at": "2026-04-01T00:00:00",
        "windows": [w],
    }
    found = next_transitions(sched, at(NY, 2026, 3, 8), at(NY, 2026, 3, 8, 12))
    assert found[0].at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    assert found[1].at == datetime(2026, 3, 8, 9, 0, tzinfo=UTC)  # 05:00 EDT
    assert is_open(w, found[0].at, NY)
    assert not is_open(w, found[0].at - timedelta(seconds=1), NY)


def test_repeated_hour_in_fall_back_is_open_twice():
    w = {"id": "night", "weekly": {"days": ["sun"], "start": "01:00", "end": "02:00"}}
    first = at(LONDON, 2026, 10, 25, 1, 30, fold=0)
    second = at(LONDON, 2026, 10, 25, 1, 30, fold=1)
    assert second - first == timedelta(0) or second.astimezone(UTC) - first.astimezone(
        UTC
    ) == timedelta(hours=1)
    assert is_open(w, first, LONDON) and is_open(w, second, LONDON)
    sched = {
        "timezone": "Europe/London",
        "starts_at": "2026-10-01T00:00:00",
        "ends_at": "2026-11-01T00:00:00",
        "windows": [w],
    }
    found = next_transitions(sched, at(LONDON, 2026, 10, 24), at(LONDON, 2026, 10, 26))
    assert [t.kind for t in found] == ["window_open", "window_close"]
    assert found[1].at - found[0].at == timedelta(hours=2)


def test_campaign_start_and_end_transitions():
    sched = {
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-11-01T00:00:00",
        "ends_at": "2026-11-03T00:00:00",
        "windows": [],
    }
    found = next_transitions(sched, at(SH, 2026, 10, 31), at(SH, 2026, 11, 5))
    assert [(t.kind, t.at) for t in found] == [
        ("campaign_start", datetime(2026, 10, 31, 16, 0, tzinfo=UTC)),
        ("campaign_end", datetime(2026, 11, 2, 16, 0, tzinfo=UTC)),
    ]


def test_transitions_agree_with_is_open_minute_by_minute():
    sched = {
        "timezone": "America/New_York",
        "starts_at": "2026-03-01T00:00:00",
        "ends_at": "2026-04-01T00:00:00",
        "windows": [
            FRI,
            {"id": "w", "weekly": {"days": ["sun"], "start": "01:30", "end": "03:30"}},
        ],
    }
    after, until = at(NY, 2026, 3, 6), at(NY, 2026, 3, 9)
    changes = {
        (t.window, t.at)
        for t in next_transitions(sched, after, until)
        if t.kind.startswith("window")
    }
    state = {w["id"]: is_open(w, after, NY) for w in sched["windows"]}
    observed = set()
    t = after.astimezone(UTC)
    while t < until:
        t += timedelta(minutes=1)
        for w in sched["windows"]:
            now = is_open(w, t, NY)
            if now != state[w["id"]]:
                observed.add((w["id"], t))
                state[w["id"]] = now
    assert changes == observed


def test_open_windows_and_local_time_variables():
    sched = {
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-11-01T00:00:00",
        "ends_at": "2026-12-01T00:00:00",
        "windows": [FRI, DAY18],
    }
    now = datetime(2026, 11, 6, 12, 30, tzinfo=UTC)  # Fri 20:30 local
    assert open_windows(sched, now) == ["fri"]
    v = local_time_variables(sched, now)
    assert v == {
        "hour": 20,
        "weekday": 5,
        "day_of_month": 6,
        "date": "2026-11-06",
        "minutes_since_start": 5 * 1440 + 20 * 60 + 30,
        "active_windows": ["fri"],
    }


def test_local_date_crosses_midnight_before_utc():
    sched = {
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-11-01T00:00:00",
        "ends_at": "2026-12-01T00:00:00",
        "windows": [DAY18],
    }
    v = local_time_variables(sched, datetime(2026, 11, 17, 16, 0, tzinfo=UTC))
    assert v["date"] == "2026-11-18" and v["active_windows"] == ["d18"] and v["hour"] == 0
