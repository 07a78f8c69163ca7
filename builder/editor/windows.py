"""Time windows: named periods (one-off, every week, or days of the month) in the campaign's zone.

Rules ("crazy hour"), odds boosts and conditions refer to a window by its id, which the editor
keeps hidden: the marketer names the window and picks its days and hours.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import Form, HiddenField, SelectField, StringField, validators

from builder.editor.base import EditContext, EditorForm, RowForm, Section, next_key
from builder.editor.fields import WIDE, CheckboxesField, ClockField, LocalDateTimeField, rows
from builder.i18n import N_, lazy, translate

WEEKDAYS = (
    ("mon", "周一", "Mon"),
    ("tue", "周二", "Tue"),
    ("wed", "周三", "Wed"),
    ("thu", "周四", "Thu"),
    ("fri", "周五", "Fri"),
    ("sat", "周六", "Sat"),
    ("sun", "周日", "Sun"),
)
SHAPES = ("weekly", "monthly", "dates")
_WINDOW_PATH = re.compile(r"^schedule\.windows\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")


def _shown_with(*shapes: str) -> dict[str, str]:
    """Shown only while the row's *Repeats* is one of `shapes` (editor.js, as a task's event
    fields); hidden fields are still posted, and `window_from_row` reads the chosen shape's."""
    return {"data-shown-with": "shape:" + ",".join(shapes)}


def window_row_form(ctx: EditContext) -> type[Form]:
    class WindowRow(RowForm):
        id = HiddenField()
        name = StringField(
            lazy("Window name"), [validators.InputRequired(), validators.Length(max=40)]
        )
        shape = SelectField(
            lazy("Repeats"),
            choices=[
                ("weekly", translate("Every week")),
                ("monthly", translate("Days of the month")),
                ("dates", translate("Once (from a date to a date)")),
            ],
        )
        weekdays = CheckboxesField(
            lazy("Weekdays"),
            choices=[(k, ctx.pick(zh, en)) for k, zh, en in WEEKDAYS],
            render_kw={"data-col": "col-sm-12 col-lg-6", **_shown_with("weekly")},
        )
        month_days = CheckboxesField(
            lazy("Days of the month"),
            choices=[(str(d), str(d)) for d in range(1, 32)],
            render_kw={**WIDE, **_shown_with("monthly")},
        )
        start = ClockField(lazy("From (time)"), render_kw=_shown_with("weekly", "monthly"))
        end = ClockField(
            lazy("To (time)"), end_of_day=True, render_kw=_shown_with("weekly", "monthly")
        )
        date_from = LocalDateTimeField(lazy("From"), render_kw=_shown_with("dates"))
        date_to = LocalDateTimeField(lazy("To"), render_kw=_shown_with("dates"))

    return WindowRow


class WindowsSection(Section):
    key = "windows"
    title = N_("Time windows")
    help = N_(
        "Named periods such as a weekly crazy hour or the 18th of each month. Prize boosts and "
        "rules can use them."
    )
    template = "windows"
    prefixes = ("schedule.windows",)

    def form_class(self, ctx: EditContext):
        row = window_row_form(ctx)

        class WindowsForm(EditorForm):
            windows = rows(row, lazy("Time window"))

        return WindowsForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        return {"windows": [window_row(w) for w in bundle["schedule"].get("windows") or []]}

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        taken = {row["id"] for row in data["windows"] if row["id"]}
        windows = []
        for row in data["windows"]:
            if not row["id"]:
                row["id"] = next_key("window", taken)
                taken.add(row["id"])
            windows.append(window_from_row(row))
        bundle["schedule"]["windows"] = windows

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _WINDOW_PATH.match(path)
        if not match:
            return None
        index, part, leaf = match.groups()
        prefix = f"windows-{index}-"
        if part in ("id", "name"):
            return prefix + "name"
        if part == "weekly":
            return prefix + {"days": "weekdays", "start": "start", "end": "end"}.get(leaf, "shape")
        if part == "monthly":
            return prefix + {"days": "month_days", "start": "start", "end": "end"}.get(
                leaf, "shape"
            )
        if part == "dates":
            return prefix + {"from": "date_from", "to": "date_to"}.get(leaf, "shape")
        return prefix + "shape"

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        windows = bundle["schedule"].get("windows") or []
        if not windows:
            return translate("No time windows.")
        return "; ".join(describe_window(w, ctx.lang) for w in windows)


def window_row(window: dict[str, Any]) -> dict[str, Any]:
    shape = next((s for s in SHAPES if window.get(s)), "weekly")
    spec = window.get(shape) or {}
    return {
        "id": window["id"],
        "name": window.get("name", ""),
        "shape": shape,
        "weekdays": list(spec.get("days", [])) if shape == "weekly" else [],
        "month_days": [str(d) for d in spec.get("days", [])] if shape == "monthly" else [],
        "start": spec.get("start"),
        "end": spec.get("end"),
        "date_from": spec.get("from"),
        "date_to": spec.get("to"),
    }


def window_from_row(row: dict[str, Any]) -> dict[str, Any]:
    window: dict[str, Any] = {"id": row["id"], "name": row["name"].strip()}
    for shape in SHAPES:
        window[shape] = None
    shape = row["shape"]
    if shape == "weekly":
        days = [key for key, *_ in WEEKDAYS if key in (row["weekdays"] or [])]
        window["weekly"] = {"days": days, "start": row["start"], "end": row["end"]}
    elif shape == "monthly":
        days = sorted(int(d) for d in row["month_days"] or [])
        window["monthly"] = {
            "days": days,
            "start": row["start"] or "00:00",
            "end": row["end"] or "24:00",
        }
    else:
        window["dates"] = {"from": row["date_from"], "to": row["date_to"]}
    return window


def describe_window(window: dict[str, Any], lang: str) -> str:
    """ "疯狂一小时: 每周五 20:00-21:00" / "Crazy hour: every Fri 20:00-21:00"."""
    name = window.get("name") or window["id"]
    zh = lang == "zh"
    if window.get("weekly"):
        spec = window["weekly"]
        labels = {k: (z if zh else e) for k, z, e in WEEKDAYS}
        days = (
            "、".join(labels[d] for d in spec["days"])
            if zh
            else ", ".join(labels[d] for d in spec["days"])
        )
        when = f"每{days} " if zh else f"every {days} "
        when += f"{spec['start']}–{spec['end']}"
    elif window.get("monthly"):
        spec = window["monthly"]
        days = "、".join(str(d) for d in spec["days"])
        hours = (
            ""
            if (spec["start"], spec["end"]) == ("00:00", "24:00")
            else (f" {spec['start']}–{spec['end']}")
        )
        when = (f"每月{days}日" if zh else f"day {days} of each month") + hours
    else:
        spec = window.get("dates") or {}
        when = f"{(spec.get('from') or '')[:16]} → {(spec.get('to') or '')[:16]}".replace("T", " ")
    return f"{name}: {when}"
