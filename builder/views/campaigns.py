"""Campaigns and their published versions (read views; editing is the campaign editor's).

The campaign list shows each campaign's review state in words and filters on it, a live
campaign with a change under review included (builder.review_state); the version list links
each version to its page (builder.views.review)."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, select

from builder.auth import branch_scope
from builder.i18n import current_language, lazy, local_time, status_label, translate
from builder.review_state import REVIEW_STATES, review_text
from builder.views.base import ReadOnlyModelView
from core.models import Campaign, CampaignVersion
from core.models.campaign import CAMPAIGN_STATUSES

LABELS = {
    "slug": lazy("Slug"),
    "name": lazy("Name"),
    "status": lazy("Status"),
    "widget_type": lazy("Widget"),
    "starts_at": lazy("Starts"),
    "ends_at": lazy("Ends"),
    "branch": lazy("Branch"),
    "number": lazy("Version"),
    "content_hash": lazy("Content hash"),
    "note": lazy("Note"),
    "created_at": lazy("Created"),
    "campaign": lazy("Campaigns"),
    "review": lazy("Review"),
    "approvals": lazy("Approvals"),
}


def campaign_link(view, context, model, name):
    return Markup('<a href="{0}">{1}</a>').format(
        url_for("campaign.detail", campaign_id=model.id), model.name
    )


def participant_link(view, context, model, name):
    if model.status != "live":
        return ""
    return Markup('<a href="/c/{0}" target="_blank" rel="noopener">/c/{0}</a>').format(model.slug)


def review_link(view, context, model, name):
    text = review_text(model)
    if model.review_status != "submitted":
        return Markup('<span data-review-state="{0}">{1}</span>').format(model.review_status, text)
    return Markup('<a href="{0}" data-review-state="submitted">{1}</a>').format(
        url_for("review.compare", campaign_id=model.id), text
    )


def widget_label(view, context, model, name):
    from builder.describe import widget_name

    return widget_name(model.widget_type, current_language())


def branch_label(view, context, model, name):
    branch = model.branch
    if current_language() == "en" and branch.name_en:
        return branch.name_en
    return branch.name


class ReviewFilter(filters.BaseSQLAFilter):
    """Campaigns by review state; "live with a change under review" is a live or paused
    campaign whose draft is submitted or approved (it keeps serving its version meanwhile)."""

    def get_options(self, view):
        return [(key, translate(label)) for key, label in REVIEW_STATES.items()]

    def apply(self, query, value, alias=None):
        pending = Campaign.review_status.in_(("submitted", "approved"))
        running = Campaign.status.in_(("live", "paused"))
        if value == "live_change":
            return query.filter(and_(pending, running))
        if value in ("submitted", "approved"):
            return query.filter(Campaign.review_status == value, ~running)
        return query.filter(Campaign.review_status == value)

    def operation(self):
        return translate("equals")


class StatusFilter(filters.FilterEqual):
    def get_options(self, view):
        return [(key, status_label(key)) for key in CAMPAIGN_STATUSES]


class WidgetFilter(filters.FilterEqual):
    def get_options(self, view):
        import widgets
        from builder.describe import widget_name

        return [(w.type, widget_name(w.type, current_language())) for w in widgets.enabled([])]


class CampaignView(ReadOnlyModelView):
    branch_column = "branch_id"
    column_list = (
        "name",
        "slug",
        "widget_type",
        "status",
        "review",
        "branch",
        "starts_at",
        "ends_at",
        "link",
    )
    column_searchable_list = ("name", "slug")
    column_filters = (
        ReviewFilter(Campaign.review_status, lazy("Review")),
        StatusFilter(Campaign.status, lazy("Status")),
        WidgetFilter(Campaign.widget_type, lazy("Widget")),
    )
    column_default_sort = ("updated_at", True)
    column_labels = {**LABELS, "link": lazy("Participant link")}
    column_formatters = {
        "status": lambda v, c, m, n: status_label(m.status),
        "review": review_link,
        "widget_type": widget_label,
        "branch": branch_label,
        "link": participant_link,
        "name": campaign_link,
    }
    list_template = "admin/campaign_list.html"

    @expose("/details/")
    def details_view(self):
        """The campaign's own page is its details (404 outside the user's subtree)."""
        record = self.get_one(request.args.get("id") or abort(404)) or abort(404)
        return redirect(url_for("campaign.detail", campaign_id=record.id))


def version_link(view, context, model, name):
    return Markup('<a href="{0}">{1} {2}</a>').format(
        url_for("review.version", version_id=model.id), translate("Version"), model.number
    )


def approvers_text(view, context, model, name) -> str:
    return "; ".join(
        f"{a.get('level')}. {a.get('approver_name') or a.get('approver') or ''}"
        + (f" ({a['branch_name']})" if a.get("branch_name") else "")
        for a in model.approvals or []
    )


class VersionView(ReadOnlyModelView):
    """Published snapshots (whitelists of customer ids included) of the campaigns in the
    user's subtree only, like the campaigns themselves. Each opens on its own page."""

    required_permission = "view"
    column_list = ("campaign", "number", "approvals", "content_hash", "created_at", "note")
    column_default_sort = ("created_at", True)
    column_labels = LABELS
    column_formatters = {
        "number": version_link,
        "approvals": approvers_text,
        "content_hash": lambda v, c, m, n: m.content_hash[:12],
        "created_at": lambda v, c, m, n: local_time(m.created_at),
    }

    @expose("/details/")
    def details_view(self):
        """A version's details are its page (404 outside the user's subtree)."""
        record = self.get_one(request.args.get("id") or abort(404)) or abort(404)
        return redirect(url_for("review.version", version_id=record.id))

    def scope_clause(self):
        in_scope = select(Campaign.id).where(Campaign.branch_id.in_(branch_scope(current_user)))
        return CampaignVersion.campaign_id.in_(in_scope)
