"""The studio home: what needs attention today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from builder.auth import branch_scope
from builder.i18n import N_
from builder.views.base import SecureViewMixin
from core.extensions import db
from core.models import Campaign, Reward, RollupCampaignHour
from core.roles import ROLES


def dashboard_counts(branch_ids: set[int]) -> dict[str, int]:
    in_scope = Campaign.branch_id.in_(branch_ids)

    def count_campaigns(status: str) -> int:
        return (
            db.session.scalar(select(func.count()).where(in_scope, Campaign.status == status)) or 0
        )

    since = datetime.now(UTC) - timedelta(days=1)
    scoped_ids = select(Campaign.id).where(in_scope)
    return {
        N_("Live campaigns"): count_campaigns("live"),
        N_("Drafts"): count_campaigns("draft"),
        N_("Pending approval"): count_campaigns("pending_approval"),
        # from the report rollups (runtime.rollups, a minute behind), not a scan of the draws
        N_("Draws today"): db.session.scalar(
            select(func.sum(RollupCampaignHour.draws)).where(
                RollupCampaignHour.campaign_id.in_(scoped_ids),
                RollupCampaignHour.hour >= since.replace(minute=0, second=0, microsecond=0),
            )
        )
        or 0,
        N_("Rewards pending"): db.session.scalar(
            select(func.count()).where(
                Reward.campaign_id.in_(scoped_ids), Reward.status.in_(("pending", "issuing"))
            )
        )
        or 0,
    }


class StudioIndexView(SecureViewMixin, AdminIndexView):
    @expose("/")
    def index(self):
        role = ROLES[current_user.role]
        counts = dashboard_counts(branch_scope(current_user))
        return self.render("admin/studio_index.html", counts=counts, role=role)
