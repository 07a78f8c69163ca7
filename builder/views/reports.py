"""Reports in the studio: the overview (head office, a region, a branch), the branch report,
the campaign report with comparison, its printable retrospective, its CSV exports, and the
participant journey. Thin views: parse, call builder.reports, render."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from builder.auth import branch_scope
from builder.i18n import current_language, translate
from builder.reports import campaign as campaign_report
from builder.reports.journey import find_member, journey
from builder.reports.labels import PEOPLE_STEPS
from builder.reports.loyalty_tables import loyalty_tables
from builder.reports.organisation import Tree, branch_report, overview
from builder.reports.periods import Period, parse_period
from builder.reports.report_tables import branch_tables, campaign_tables, overview_tables
from builder.reports.tables import cell, csv_response
from builder.views.base import SecureViewMixin
from builder.views.campaign_page import campaign_or_404
from core import audit
from core.extensions import db
from core.models import Campaign
from core.roles import has_permission

OVERVIEW_DAYS = 7


def _today() -> date:
    return datetime.now(ZoneInfo(current_app.config["STUDIO_TIMEZONE"])).date()


def _default_period() -> Period:
    today = _today()
    return Period(today - timedelta(days=OVERVIEW_DAYS - 1), today)


def _scope() -> set[int]:
    return branch_scope(current_user)


class ReportsView(SecureViewMixin, BaseView):
    """/studio/reports: everyone who may view sees the reports of their own subtree."""

    def _period(self, default: Period | None, prefix: str = ""):
        period, errors = parse_period(request.args, default, prefix)
        return period, {k: translate(v) for k, v in errors.items()}

    # -- overview and branches ------------------------------------------------------------

    def _overview(self):
        scope = _scope()
        node = request.args.get("branch", type=int) or current_user.branch_id
        if node not in scope:
            abort(404)
        period, errors = self._period(_default_period())
        tree = Tree(current_language())
        return overview(tree, node, scope, period), errors

    @expose("/")
    def index(self):
        result, errors = self._overview()
        args = result.period.args()

        def overview_link(row):
            if row["own"]:
                return url_for(".branch", branch_id=result.node.id, **args)
            if row["id"] is None:
                return None
            return url_for(".index", branch=row["id"], **args)

        return self.render(
            "admin/reports/overview.html",
            result=result,
            tables=overview_tables(result),
            errors=errors,
            cell=cell,
            chart=_overview_chart(result),
            overview_link=overview_link,
        )

    @expose("/csv/<table>")
    def overview_csv(self, table: str):
        result, _ = self._overview()
        return _csv(overview_tables(result), table, f"overview-{result.node.code}")

    def _branch(self, branch_id: int):
        scope = _scope()
        if branch_id not in scope:
            abort(404)
        period, errors = self._period(_default_period())
        tree = Tree(current_language())
        return branch_report(tree, branch_id, scope, period, current_language()), errors

    @expose("/branch/<int:branch_id>")
    def branch(self, branch_id: int):
        report, errors = self._branch(branch_id)

        def campaign_link(row):
            if not row["in_scope"]:
                return None
            return url_for(".campaign", campaign_id=row["id"], **report.period.args())

        return self.render(
            "admin/reports/branch.html",
            report=report,
            tables=branch_tables(report),
            errors=errors,
            cell=cell,
            chart={"daily": report.daily, "labels": _labels(), "lang": current_language()},
            campaign_link=campaign_link,
        )

    @expose("/branch/<int:branch_id>/csv/<table>")
    def branch_csv(self, branch_id: int, table: str):
        report, _ = self._branch(branch_id)
        return _csv(branch_tables(report), table, f"branch-{report.node.code}")

    # -- one campaign ---------------------------------------------------------------------

    def _campaign(self, campaign_id: int):
        campaign = campaign_or_404(campaign_id)
        lang, zone = current_language(), current_app.config["STUDIO_TIMEZONE"]
        period, errors = self._period(None)
        report = campaign_report.build(campaign, period, lang, zone, _today())
        other, other_errors = self._comparison(campaign, report, lang, zone)
        errors.update(other_errors)
        show_people = has_permission(current_user.role, "view_journeys")
        tables = campaign_tables(report, other, show_people)
        tables.update(loyalty_tables(report.bundle, campaign.id))
        return report, other, tables, errors

    def _comparison(self, campaign: Campaign, report, lang: str, zone: str):
        mode = request.args.get("compare", "")
        if mode == "period":
            period, errors = self._period(report.period.previous(), prefix="c")
            return campaign_report.build(campaign, period, lang, zone, _today()), errors
        if mode == "campaign":
            other_id = request.args.get("other", type=int)
            if other_id is None:
                return None, {"other": translate("Choose a campaign to compare with.")}
            other = campaign_or_404(other_id)
            return campaign_report.build(other, None, lang, zone, _today()), {}
        return None, {}

    @expose("/campaign/<int:campaign_id>")
    def campaign(self, campaign_id: int):
        report, other, tables, errors = self._campaign(campaign_id)
        can_journey = has_permission(current_user.role, "view_journeys")

        def journey_link(row):
            if not can_journey or not row.get("external_id"):
                return None
            return url_for(".participant", campaign_id=campaign_id, q=row["external_id"])

        return self.render(
            "admin/reports/campaign.html",
            report=report,
            other=other,
            tables=tables,
            errors=errors,
            cell=cell,
            chart=_campaign_chart(report, other),
            comparable=_comparable_campaigns(campaign_id),
            can_journey=can_journey,
            journey_link=journey_link,
        )

    @expose("/campaign/<int:campaign_id>/csv/<table>")
    def campaign_csv(self, campaign_id: int, table: str):
        report, _, tables, _ = self._campaign(campaign_id)
        return _csv(tables, table, f"{report.campaign.slug}-{report.period.start}")

    @expose("/campaign/<int:campaign_id>/retrospective")
    def retrospective(self, campaign_id: int):
        report, _, tables, _ = self._campaign(campaign_id)
        return self.render(
            "admin/reports/retrospective.html",
            report=report,
            tables=tables,
            cell=cell,
            chart=_campaign_chart(report, None),
            printed=datetime.now(ZoneInfo(current_app.config["STUDIO_TIMEZONE"])),
        )

    @expose("/campaign/<int:campaign_id>/participant")
    def participant(self, campaign_id: int):
        """One participant's journey: auditors, administrators and approvers (the branch
        managers) of the campaign's subtree only; every lookup is audited."""
        campaign = campaign_or_404(campaign_id)
        if not has_permission(current_user.role, "view_journeys"):
            abort(403)
        query = (request.args.get("q") or "").strip()[:128]
        found, error = None, None
        if query:
            member = find_member(campaign.id, query)
            if member is None:
                error = translate("No participant of this campaign has that id or code.")
            else:
                _audit_lookup(campaign, member.participant_id)
                found = journey(campaign.id, member)
        return self.render(
            "admin/reports/journey.html",
            campaign=campaign,
            query=query,
            found=found,
            error=error,
            zone=campaign_report.zone_of(
                campaign_report.bundle_of(campaign), current_app.config["STUDIO_TIMEZONE"]
            ),
            step_labels=_step_labels(),
        )


def _audit_lookup(campaign: Campaign, participant_id: int) -> None:
    """Write the audit row of a journey lookup before anything is shown, in a write
    transaction of its own (a GET's read transaction is ended first and the new one takes
    SQLite's write lock up front, as writes do)."""
    from runtime.write_gate import write_gate

    branch_id, campaign_id = campaign.branch_id, campaign.id
    actor = current_user._get_current_object()
    db.session.rollback()
    with write_gate():
        db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        audit.record(
            "participant.journey",
            "campaign",
            campaign_id,
            actor=actor,
            after={"participant_id": participant_id},
            branch_id=branch_id,
        )
        db.session.commit()


def _step_labels() -> dict[str, str]:
    from builder.i18n import N_

    names = {
        "join": N_("Joined"),
        "chance": N_("Chances"),
        "share": N_("Shared"),
        "check_in": N_("Checked in"),
        "vote": N_("Voted"),
        "lead": N_("Left contact details"),
        "event": N_("Server event"),
    }
    return {key: translate(text) for key, text in names.items()}


def _csv(tables: dict, key: str, stem: str):
    table = tables.get(key)
    if table is None:
        abort(404)
    return csv_response(table, f"{stem}-{key}")


def _labels() -> dict[str, str]:
    from builder.reports.labels import FIGURE_LABELS, MEASURE_LABELS, TRAFFIC_LABELS

    names = {**MEASURE_LABELS, **TRAFFIC_LABELS, **FIGURE_LABELS}
    labels = {key: translate(text) for key, text in names.items()}
    labels.update(
        before=translate("The period before"),
        compared=translate("Compared with"),
        people=translate("People"),
        days_since=translate("Days since joining"),
    )
    return labels


def _overview_chart(result) -> dict:
    rows = [r for r in result.rows if r["name"] is not None][:20]
    return {
        "branches": [
            {"name": r["name"], "draws": r["draws"], "before": r["draws_before"], "id": r["id"]}
            for r in rows
        ],
        "daily": result.daily,
        "drill": url_for(".index"),
        "labels": _labels(),
        "lang": current_language(),
    }


def _campaign_chart(report, other) -> dict:
    data = {
        "daily": report.daily,
        "hourly": report.hourly,
        "funnel": [
            {"label": translate(f["label"]), "value": f["value"]}
            for f in report.funnel
            if f["key"] in PEOPLE_STEPS
        ],
        "prizes": [p for p in report.prizes],
        "channels": report.channels,
        "decay": report.decay,
        "votes": report.candidates,
        "depths": report.referrals.get("depths") or {},
        "branches": report.branches[:15],
        "budget": report.budget,
        "currency": report.currency,
        "labels": _labels(),
        "lang": current_language(),
    }
    if other is not None:
        data["other"] = {"name": _compare_name(report, other), "daily": other.daily}
    return data


def _compare_name(report, other) -> str:
    if other.campaign.id == report.campaign.id:
        return str(other.period)
    return other.campaign.name


def _comparable_campaigns(campaign_id: int) -> list[tuple[int, str]]:
    from sqlalchemy import select

    return [
        (cid, name)
        for cid, name in db.session.execute(
            select(Campaign.id, Campaign.name)
            .where(
                Campaign.branch_id.in_(_scope()),
                Campaign.id != campaign_id,
                Campaign.published_version_id.is_not(None),
            )
            .order_by(Campaign.name)
        )
    ]
