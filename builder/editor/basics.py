"""Basics and schedule: name, owning branch, what participants read, when the campaign runs."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField, validators

from builder.editor.base import EditContext, EditorForm, Section, blank_to_none
from builder.editor.fields import LocalDateTimeField
from builder.i18n import N_, lazy, translate

TIMEZONES = (
    ("Asia/Shanghai", "中国标准时间 China (Asia/Shanghai)"),
    ("Asia/Hong_Kong", "香港 Hong Kong"),
    ("Asia/Macau", "澳门 Macau"),
    ("Asia/Taipei", "台北 Taipei"),
    ("Asia/Singapore", "新加坡 Singapore"),
    ("Asia/Tokyo", "东京 Tokyo"),
    ("Europe/London", "伦敦 London"),
    ("America/New_York", "纽约 New York"),
    ("UTC", "UTC"),
)


class BasicsSection(Section):
    key = "basics"
    title = N_("Basics and schedule")
    template = "basics"
    prefixes = (
        "name",
        "name_en",
        "branch",
        "description",
        "schedule.starts_at",
        "schedule.ends_at",
        "schedule.timezone",
    )

    def form_class(self, ctx: EditContext):
        zones = list(TIMEZONES)
        current = (ctx.bundle.get("schedule") or {}).get("timezone")
        if current and current not in dict(zones):
            zones.append((current, current))
        branches = list(ctx.branches)
        owner = ctx.bundle.get("branch")
        if owner and owner not in dict(branches):
            branches.insert(0, (owner, owner))

        class BasicsForm(EditorForm):
            name = StringField(
                lazy("Campaign name"),
                [validators.InputRequired(), validators.Length(max=100)],
                description=lazy("Participants see it at the top of the page."),
            )
            name_en = StringField(
                lazy("English name"), [validators.Optional(), validators.Length(max=100)]
            )
            branch = SelectField(
                lazy("Owning branch"),
                choices=branches,
                description=lazy("The branch that runs the campaign and approves it."),
            )
            description = TextAreaField(
                lazy("Rules shown to participants"),
                [validators.Optional(), validators.Length(max=4000)],
                render_kw={"rows": 5},
            )
            starts_at = LocalDateTimeField(lazy("Starts"), [validators.InputRequired()])
            ends_at = LocalDateTimeField(lazy("Ends"), [validators.InputRequired()])
            timezone = SelectField(
                lazy("Time zone"),
                choices=zones,
                description=lazy("Start, end and time windows are local times in this zone."),
            )

            def validate_ends_at(self, field) -> None:
                if self.starts_at.data and field.data and field.data <= self.starts_at.data:
                    raise validators.ValidationError(translate("The end must be after the start."))

        return BasicsForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        schedule = bundle.get("schedule") or {}
        return {
            "name": bundle.get("name", ""),
            "name_en": bundle.get("name_en") or "",
            "branch": bundle.get("branch"),
            "description": bundle.get("description", ""),
            "starts_at": schedule.get("starts_at"),
            "ends_at": schedule.get("ends_at"),
            "timezone": schedule.get("timezone"),
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        bundle["name"] = data["name"].strip()
        bundle["name_en"] = blank_to_none(data["name_en"])
        bundle["branch"] = data["branch"]
        # browsers post a textarea's line breaks as CRLF; the bundle keeps LF
        text = (data["description"] or "").replace("\r\n", "\n").replace("\r", "\n")
        bundle["description"] = text.strip()
        schedule = bundle.setdefault("schedule", {})
        schedule["starts_at"] = data["starts_at"]
        schedule["ends_at"] = data["ends_at"]
        schedule["timezone"] = data["timezone"]

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        if path.startswith("schedule."):
            name = path.split(".", 1)[1]
            return name if name in ("starts_at", "ends_at", "timezone") else None
        return path if path in ("name", "name_en", "branch", "description") else None

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        schedule = bundle.get("schedule") or {}
        branch = dict(ctx.branches).get(bundle.get("branch"), bundle.get("branch"))
        start = (schedule.get("starts_at") or "")[:16].replace("T", " ")
        end = (schedule.get("ends_at") or "")[:16].replace("T", " ")
        return f"{branch} · {start} → {end} ({schedule.get('timezone', '')})"
