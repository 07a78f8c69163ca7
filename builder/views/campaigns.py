"""Campaigns and their published versions (read views; editing arrives with the wizard)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from builder.auth import branch_scope
from builder.i18n import lazy, status_label
from builder.views.base import ReadOnlyModelView
from core.models import Campaign, CampaignVersion

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
}


def campaign_link(view, context, model, name):
    return Markup('<a href="{0}">{1}</a>').format(
        url_for("campaign.detail", campaign_id=model.id), model.name
    )


def participant_link(view, context, model, name):
    if model.status != "live":
        return ""
    return Markup('<a href="/c/{0}" target="_blank" rel="noopener">/c/{0}</a>').format(model.slug)


class CampaignView(ReadOnlyModelView):
    branch_column = "branch_id"
    column_list = (
        "name",
        "slug",
        "widget_type",
        "status",
        "branch",
        "starts_at",
        "ends_at",
        "link",
    )
    column_searchable_list = ("name", "slug")
    column_filters = ("status", "widget_type")
    column_default_sort = ("updated_at", True)
    column_labels = {**LABELS, "link": lazy("Participant link")}
    column_formatters = {
        "status": lambda v, c, m, n: status_label(m.status),
        "link": participant_link,
        "name": campaign_link,
    }
    list_template = "admin/campaign_list.html"
    column_details_exclude_list = ("draft",)


class VersionView(ReadOnlyModelView):
    """Published snapshots (whitelists of customer ids included) of the campaigns in the
    user's subtree only, like the campaigns themselves."""

    required_permission = "view"
    column_list = ("campaign", "number", "content_hash", "created_at", "note")
    column_default_sort = ("created_at", True)
    column_labels = LABELS

    def scope_clause(self):
        in_scope = select(Campaign.id).where(Campaign.branch_id.in_(branch_scope(current_user)))
        return CampaignVersion.campaign_id.in_(in_scope)
