"""The studio: Flask-Admin mounted at /studio with sign-in, roles and both languages."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from builder.auth import init_auth
from builder.errors import init_error_pages
from builder.headers import csp_nonce, init_headers
from builder.i18n import lazy
from builder.views.audiences import AudienceListView
from builder.views.audit import AuditView
from builder.views.calendar import CalendarView
from builder.views.campaign_page import CampaignPageView
from builder.views.campaigns import CampaignView, VersionView
from builder.views.editor import EditorView
from builder.views.home import StudioIndexView
from builder.views.org import BranchView, ChannelView, StaffView
from builder.views.reports import ReportsView
from builder.views.review import ReviewView
from builder.views.rewards import RewardOpsView
from builder.views.rights import RightView
from core.extensions import db
from core.models import AuditEntry, Branch, Campaign, CampaignVersion, Channel, Right, User


def init_admin(app: Flask) -> None:
    init_auth(app)
    init_headers(app)
    # the studio's own scripts and the vendored components (make vendor), served by the app
    app.register_blueprint(
        Blueprint(
            "studio_static", __name__, static_folder="static", static_url_path="/studio/assets"
        )
    )
    admin = Admin(
        app,
        name=lazy("Campaign Studio"),
        url="/studio",
        index_view=StudioIndexView(name=lazy("Home"), url="/studio", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="studio/master.html", swatch="default", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(CampaignView(Campaign, db, name=lazy("Campaigns"), endpoint="campaigns"))
    admin.add_view(
        CampaignPageView(name=lazy("Campaigns"), endpoint="campaign", url="/studio/campaign")
    )
    admin.add_view(
        EditorView(name=lazy("Campaign editor"), endpoint="editor", url="/studio/campaign")
    )
    admin.add_view(ReviewView(name=lazy("Review"), endpoint="review", url="/studio/review"))
    admin.add_view(
        VersionView(
            CampaignVersion,
            db,
            name=lazy("Published versions"),
            endpoint="versions",
            category=lazy("Audit"),
        )
    )
    admin.add_view(
        ReportsView(
            name=lazy("Overview"),
            endpoint="reports",
            url="/studio/reports",
            category=lazy("Reports"),
        )
    )
    admin.add_view(
        CalendarView(
            name=lazy("Marketing calendar"),
            endpoint="calendar",
            url="/studio/calendar",
            category=lazy("Reports"),
        )
    )
    admin.add_view(
        RewardOpsView(name=lazy("Reward operations"), endpoint="rewards", url="/studio/rewards")
    )
    admin.add_view(
        RightView(
            Right, db, name=lazy("Rights library"), endpoint="rights", category=lazy("Library")
        )
    )
    admin.add_view(
        AudienceListView(
            name=lazy("Audience lists"),
            endpoint="audiences",
            url="/studio/audiences",
            category=lazy("Library"),
        )
    )
    admin.add_view(
        BranchView(
            Branch,
            db,
            name=lazy("Branches"),
            endpoint="branches",
            category=lazy("Organisation"),
        )
    )
    admin.add_view(
        StaffView(User, db, name=lazy("Staff"), endpoint="staff", category=lazy("Organisation"))
    )
    admin.add_view(
        ChannelView(
            Channel,
            db,
            name=lazy("Channels"),
            endpoint="channels",
            category=lazy("Organisation"),
        )
    )
    admin.add_view(
        AuditView(AuditEntry, db, name=lazy("Audit log"), endpoint="audit", category=lazy("Audit"))
    )
    init_error_pages(app, admin)
