"""The marketing calendar: month and year views of campaigns and planned entries by branch
and status, and the planned entries' own forms (plan, edit, remove; audited)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from builder.auth import branch_scope
from builder.csrf import check_csrf
from builder.i18n import current_language, status_label, translate
from builder.reports.calendar import (
    KIND_LABELS,
    PLAN_STATUS_LABELS,
    EntryForm,
    Window,
    items,
    per_day,
)
from builder.views.base import SecureViewMixin
from core import audit
from core.extensions import db
from core.models import Branch, CalendarEntry, Campaign
from core.models.campaign import CAMPAIGN_STATUSES
from core.models.reports import CALENDAR_STATUSES
from core.roles import has_permission

ENTRY_FIELDS = (
    "name",
    "branch_id",
    "kind",
    "status",
    "starts_on",
    "ends_on",
    "campaign_id",
    "note",
)


def _branches(scope: set[int]) -> list[tuple[int, str]]:
    lang = current_language()
    return [
        (b.id, f"{b.code} {(b.name_en or b.name) if lang == 'en' else b.name}")
        for b in db.session.scalars(
            select(Branch).where(Branch.id.in_(scope)).order_by(Branch.code)
        )
    ]


def _campaigns(scope: set[int]) -> list[tuple[int, str]]:
    return [
        (cid, name)
        for cid, name in db.session.execute(
            select(Campaign.id, Campaign.name)
            .where(Campaign.branch_id.in_(scope))
            .order_by(Campaign.name)
        )
    ]


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, type=int)
    return default if value is None or not low <= value <= high else value


def _entry_values(entry: CalendarEntry) -> dict:
    return {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in ((f, getattr(entry, f)) for f in ENTRY_FIELDS)
    }


class CalendarView(SecureViewMixin, BaseView):
    """/studio/calendar: everyone sees their subtree's calendar; planners (edit_campaign)
    add and change planned entries of branches in their subtree."""

    @expose("/")
    def index(self):
        scope = branch_scope(current_user)
        today = datetime.now(ZoneInfo(current_app.config["STUDIO_TIMEZONE"])).date()
        view = "year" if request.args.get("view") == "year" else "month"
        year = _int_arg("year", today.year, 2000, 2100)
        month = _int_arg("month", today.month, 1, 12)
        window = Window.year(year) if view == "year" else Window.month(year, month)
        branch = request.args.get("branch", type=int)
        chosen = _subtree(branch) if branch in scope else scope
        status = request.args.get("status", "")
        statuses = {status} if status in (*CAMPAIGN_STATUSES, *CALENDAR_STATUSES) else set()
        found = items(
            window,
            scope,
            chosen,
            statuses,
            current_language(),
            current_app.config["STUDIO_TIMEZONE"],
        )
        data = {
            "lang": current_language(),
            "view": view,
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "items": [i.to_dict() for i in found],
            "days": per_day(found, window),
            "campaign_url": url_for("campaign.detail", campaign_id=0),
            "plan_url": url_for(".edit", entry_id=0),
            "status_labels": {
                **{s: status_label(s) for s in CAMPAIGN_STATUSES},
                **{s: translate(t) for s, t in PLAN_STATUS_LABELS.items()},
            },
            "labels": {
                "campaigns": translate("Campaigns"),
                "plans": translate("Planned"),
                "running": translate("Running at once"),
            },
        }
        return self.render(
            "admin/reports/calendar.html",
            data=data,
            view=view,
            year=year,
            month=month,
            branch=branch if branch in scope else None,
            status=status if statuses else "",
            branches=_branches(scope),
            statuses=[(s, status_label(s)) for s in CAMPAIGN_STATUSES]
            + [(s, translate(t)) for s, t in PLAN_STATUS_LABELS.items()],
            kinds={k: translate(v) for k, v in KIND_LABELS.items()},
            found=found,
            can_plan=has_permission(current_user.role, "edit_campaign"),
        )

    def _form(self, entry: CalendarEntry | None) -> EntryForm:
        scope = branch_scope(current_user)
        form = EntryForm(request.form if request.method == "POST" else None, obj=entry)
        form.fill_choices(_branches(scope), _campaigns(scope))
        if entry is not None and entry.campaign_id is None and request.method != "POST":
            form.campaign_id.data = 0
        return form

    def _require_planner(self) -> None:
        if not has_permission(current_user.role, "edit_campaign"):
            abort(403)

    @expose("/plan", methods=("GET", "POST"))
    def plan(self):
        self._require_planner()
        form = self._form(None)
        if request.method == "POST":
            check_csrf()
            if form.validate():
                entry = CalendarEntry(created_by_id=current_user.id)
                self._save(form, entry, None)
                return redirect(
                    url_for(".index", year=entry.starts_on.year, month=entry.starts_on.month)
                )
        return self.render("admin/reports/calendar_entry.html", form=form, entry=None)

    def _entry_or_404(self, entry_id: int) -> CalendarEntry:
        entry = db.session.get(CalendarEntry, entry_id)
        if entry is None or entry.branch_id not in branch_scope(current_user):
            abort(404)
        return entry

    @expose("/plan/<int:entry_id>", methods=("GET", "POST"))
    def edit(self, entry_id: int):
        entry = self._entry_or_404(entry_id)
        form = self._form(entry)
        if request.method == "POST":
            self._require_planner()
            check_csrf()
            if form.validate():
                self._save(form, entry, _entry_values(entry))
                return redirect(
                    url_for(".index", year=entry.starts_on.year, month=entry.starts_on.month)
                )
        return self.render(
            "admin/reports/calendar_entry.html",
            form=form,
            entry=entry,
            can_plan=has_permission(current_user.role, "edit_campaign"),
        )

    @expose("/plan/<int:entry_id>/delete", methods=("POST",))
    def delete(self, entry_id: int):
        self._require_planner()
        check_csrf()
        entry = self._entry_or_404(entry_id)
        audit.record(
            "calendar_entry.delete",
            "calendar_entry",
            entry.id,
            actor=current_user._get_current_object(),
            before=_entry_values(entry),
            branch_id=entry.branch_id,
        )
        db.session.delete(entry)
        db.session.commit()
        return redirect(url_for(".index"))

    def _save(self, form: EntryForm, entry: CalendarEntry, before: dict | None) -> None:
        """Check the choices against the user's scope (a forged id is refused), write the
        entry and its audit row in one transaction."""
        scope = branch_scope(current_user)
        if form.branch_id.data not in scope:
            abort(404)
        campaign_id = form.campaign_id.data or None
        if campaign_id is not None and campaign_id not in dict(_campaigns(scope)):
            abort(404)
        entry.name = form.name.data.strip()
        entry.branch_id = form.branch_id.data
        entry.kind, entry.status = form.kind.data, form.status.data
        entry.starts_on, entry.ends_on = form.starts_on.data, form.ends_on.data
        entry.campaign_id, entry.note = campaign_id, form.note.data or None
        if entry.id is None:
            db.session.add(entry)
        db.session.flush()
        audit.record(
            f"calendar_entry.{'update' if before else 'create'}",
            "calendar_entry",
            entry.id,
            actor=current_user._get_current_object(),
            before=before,
            after=_entry_values(entry),
            branch_id=entry.branch_id,
        )
        db.session.commit()


def _subtree(branch_id: int) -> set[int]:
    from core.scope import branch_subtree

    return branch_subtree(branch_id)
