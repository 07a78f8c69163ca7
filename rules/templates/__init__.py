"""The five seed campaigns and a points mall with tasks as bundles, read through
importlib.resources; `around_today` moves a template's dates (the seed campaigns' own) to now."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo


def list_templates() -> list[str]:
    """Template names (file names without .json), sorted."""
    return sorted(
        p.name[:-5] for p in resources.files(__name__).iterdir() if p.name.endswith(".json")
    )


def load_template(name: str) -> dict[str, Any]:
    """A fresh copy of one template bundle; KeyError for an unknown name."""
    if name not in list_templates():
        raise KeyError(f"unknown template {name!r}; known: {', '.join(list_templates())}")
    return json.loads(resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8"))


def around_today(
    bundle: dict[str, Any],
    days_before: int = 1,
    days_after: int | None = 60,
    today: date | None = None,
) -> dict[str, Any]:
    """Move `bundle`'s schedule (in place) to start `days_before` days before today, 00:00 in
    the campaign's zone, and end `days_after` days after today, or, with None, as long after
    its new start as it ran before. One-off windows move with it and stay inside."""
    schedule = bundle["schedule"]
    if today is None:
        today = datetime.now(ZoneInfo(schedule["timezone"])).date()
    midnight = datetime.combine(today, datetime.min.time())
    old_start = datetime.fromisoformat(schedule["starts_at"]).replace(tzinfo=None)
    old_end = datetime.fromisoformat(schedule["ends_at"]).replace(tzinfo=None)
    new_start = midnight - timedelta(days=days_before)
    if days_after is None:
        new_end = new_start + max(old_end - old_start, timedelta(days=1))
    else:
        new_end = midnight + timedelta(days=days_after)
    shift = new_start - old_start
    schedule["starts_at"] = new_start.isoformat()
    schedule["ends_at"] = new_end.isoformat()
    for window in schedule.get("windows", []):
        dates = window.get("dates")
        if dates:  # one-off windows move with the campaign
            for edge in ("from", "to"):
                moved = datetime.fromisoformat(dates[edge]).replace(tzinfo=None) + shift
                dates[edge] = min(max(moved, new_start), new_end).isoformat()
    return bundle
