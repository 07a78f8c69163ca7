"""Tasks and badges: one row per task, saying what completes it (an account opened, a
transaction of a type and amount, a check-in streak, friends invited, a vote) and what it
awards once (its badge, points, or both). What collecting badges unlocks is a rule on the
badges held (the rules section, or the task centre's badge goal)."""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    FloatField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    validators,
)

from builder.editor.base import (
    EditContext,
    EditorForm,
    RowForm,
    Section,
    blank_to_none,
    next_key,
)
from builder.editor.fields import WIDE, rows
from builder.i18n import N_, lazy, translate
from rules.catalog import ACCOUNT_TYPES, TRANSACTION_TYPES, option_label
from rules.limits import MAX_PRICE, MAX_VALID_DAYS
from rules.loyalty import EVENT_FIELDS, TASK_EVENTS

ICONS = ("🏅", "💳", "🐷", "📱", "⭐", "🤝", "🎯", "🏆", "🌟", "🎁")
_TASK_PATH = re.compile(r"^tasks\[(\d+)\](?:\.(\w+))?")
# the row field that shows a problem at each task path
ROW_FIELDS = {
    "name": "name",
    "name_en": "name_en",
    "description": "description",
    "event": "event",
    "badge": "badge_name",
    "points": "points",
    "points_valid_days": "points_valid_days",
    **{name: name for name in EVENT_FIELDS},
}


def _shown_with(field: str) -> dict[str, str]:
    """Render hints: the row's event select shows this field only for the events taking it."""
    events = [e.key for e in TASK_EVENTS.values() if field in e.fields]
    return {"data-shown-with": "event:" + ",".join(events)}


def task_row_form(ctx: EditContext) -> type[Form]:
    def options(values: tuple[str, ...], variable: str) -> list[tuple[str, str]]:
        return [("", translate("Any"))] + [(v, option_label(variable, v, ctx.lang)) for v in values]

    candidates = [("", translate("Any candidate"))] + [
        (str(c["id"]), c.get("name") or str(c["id"]))
        for c in ((ctx.bundle.get("widget") or {}).get("config") or {}).get("candidates") or []
        if isinstance(c, dict) and "id" in c
    ]

    class TaskRow(RowForm):
        key = HiddenField()
        name = StringField(lazy("Task"), [validators.InputRequired(), validators.Length(max=60)])
        name_en = StringField(
            lazy("English name"), [validators.Optional(), validators.Length(max=80)]
        )
        description = TextAreaField(
            lazy("Description"),
            [validators.Optional(), validators.Length(max=500)],
            description=lazy("What the customer reads about the task; may be empty."),
            render_kw={**WIDE, "rows": 2},
        )
        event = SelectField(
            lazy("Done when"),
            choices=[(e.key, ctx.pick(e.label_zh, e.label_en)) for e in TASK_EVENTS.values()],
            render_kw={"data-task-event": "1"},
        )
        account_type = SelectField(
            lazy("Account type"),
            choices=options(ACCOUNT_TYPES, "account_type"),
            render_kw=_shown_with("account_type"),
        )
        transaction_type = SelectField(
            lazy("Transaction type"),
            choices=options(TRANSACTION_TYPES, "transaction_type"),
            render_kw=_shown_with("transaction_type"),
        )
        min_amount = FloatField(
            lazy("Amount at least"),
            [validators.Optional(), validators.NumberRange(min=0.01, max=100_000_000)],
            description=lazy("Leave empty for any amount."),
            render_kw={**_shown_with("min_amount"), "step": "any"},
        )
        count = IntegerField(
            lazy("How many"),
            [validators.Optional(), validators.NumberRange(min=1, max=366)],
            description=lazy(
                "Days in a row for a check-in streak; friends who joined for invitations."
            ),
            render_kw=_shown_with("count"),
        )
        candidate = SelectField(
            lazy("Vote for"), choices=candidates, render_kw=_shown_with("candidate")
        )
        badge_name = StringField(
            lazy("Badge"),
            [validators.Optional(), validators.Length(max=20)],
            description=lazy("Leave empty for a task that awards no badge."),
        )
        badge_name_en = StringField(
            lazy("Badge (English)"), [validators.Optional(), validators.Length(max=40)]
        )
        badge_icon = SelectField(lazy("Badge icon"), choices=[(i, i) for i in ICONS])
        points = IntegerField(
            lazy("Points"),
            [validators.Optional(), validators.NumberRange(min=1, max=MAX_PRICE)],
            description=lazy("Leave empty for a task that awards no points."),
        )
        points_valid_days = IntegerField(
            lazy("Points valid for (days)"),
            [validators.Optional(), validators.NumberRange(min=1, max=MAX_VALID_DAYS)],
            description=lazy("Leave empty for points that never expire."),
        )

    return TaskRow


class TasksSection(Section):
    key = "tasks"
    title = N_("Tasks and badges")
    help = N_(
        "Each task is done once per participant and awards its badge, points or both. "
        "What the badges unlock is a rule on the badges held."
    )
    template = "tasks"
    prefixes = ("tasks",)

    def applies(self, bundle: dict[str, Any]) -> bool:
        widget = (bundle.get("widget") or {}).get("type")
        return bool(bundle.get("tasks")) or widget in ("task_center", "points_mall")

    def form_class(self, ctx: EditContext):
        row = task_row_form(ctx)

        class TasksForm(EditorForm):
            tasks = rows(row, lazy("Task"))

        return TasksForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        return {"tasks": [task_row(t) for t in bundle.get("tasks") or []]}

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        taken = {row["key"] for row in data["tasks"] if row["key"]}
        tasks = []
        for row in data["tasks"]:
            if not row["key"]:
                row["key"] = next_key("task", taken)
                taken.add(row["key"])
            tasks.append(task_from_row(row))
        bundle["tasks"] = tasks

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        match = _TASK_PATH.match(path)
        if not match:
            return "tasks" if path.startswith("tasks") else None
        index, leaf = match.groups()
        return f"tasks-{index}-{ROW_FIELDS.get(leaf or 'name', 'name')}"

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        tasks = bundle.get("tasks") or []
        if not tasks:
            return translate("No tasks.")
        badges = sum(1 for t in tasks if t.get("badge"))
        names = ", ".join(ctx.pick(t["name"], t.get("name_en")) for t in tasks)
        return translate("{n} tasks, {badges} badges: {names}").format(
            n=len(tasks), badges=badges, names=names
        )


def task_row(task: dict[str, Any]) -> dict[str, Any]:
    badge = task.get("badge") or {}
    row = {
        "key": task["key"],
        "name": task.get("name", ""),
        "name_en": task.get("name_en") or "",
        "description": task.get("description") or "",
        "event": task.get("event"),
        "badge_name": badge.get("name") or "",
        "badge_name_en": badge.get("name_en") or "",
        "badge_icon": badge.get("icon") or ICONS[0],
        "points": task.get("points"),
        "points_valid_days": task.get("points_valid_days"),
    }
    for name in EVENT_FIELDS:
        value = task.get(name)
        row[name] = value if value is not None or name in ("min_amount", "count") else ""
    return row


def task_from_row(row: dict[str, Any]) -> dict[str, Any]:
    event = TASK_EVENTS[row["event"]]
    task: dict[str, Any] = {
        "key": row["key"],
        "name": row["name"].strip(),
        "name_en": blank_to_none(row["name_en"]),
        "event": event.key,
    }
    # browsers post a textarea's line breaks as CRLF; the bundle keeps LF
    description = (row["description"] or "").replace("\r\n", "\n").replace("\r", "\n")
    if description.strip():
        task["description"] = description.strip()
    for name in EVENT_FIELDS:  # only the fields the event takes; the others are hidden
        value = blank_to_none(row[name])
        if name in event.fields and value is not None:
            task[name] = value
    badge = blank_to_none(row["badge_name"])
    if badge is not None:
        task["badge"] = {
            "name": badge,
            "name_en": blank_to_none(row["badge_name_en"]),
            "icon": row["badge_icon"] or None,
        }
    for name in ("points", "points_valid_days"):
        if row[name] is not None:
            task[name] = row[name]
    return task
