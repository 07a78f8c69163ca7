"""The studio home: what needs attention today, by role (builder.homes), and the notices the
signed-in user has been sent (builder.notices)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import redirect, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from builder import homes
from builder.auth import branch_scope
from builder.csrf import check_csrf
from builder.i18n import N_, current_language
from builder.notices import mark_read, notice_text, notices_for
from builder.views.base import SecureViewMixin
from core.extensions import db
from core.models import Campaign, Reward, RollupCampaignHour
from core.roles import ROLES, has_permission


def dashboard_counts(branch_ids: set[int]) -> dict[str, int]:
    in_scope = Campaign.branch_id.in_(branch_ids)

    def count_campaigns(status: str) -> int:
        return (
            db.session.scalar(select(func.count()).where(in_scope, Campaign.status == status)) or 0
        )

    since = datetime.now(UTC) - timedelta(days=1)
    scoped_ids = select(Campaign.id).where(in_scope)

    def count_rewards(*statuses: str) -> int:
        found = select(func.count()).where(
            Reward.campaign_id.in_(scoped_ids), Reward.status.in_(statuses)
        )
        return db.session.scalar(found) or 0

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
        N_("Rewards pending"): count_rewards("pending", "issuing"),
        # out of retries (dead letters): someone has to look, so the home says so
        N_("Rewards failed"): count_rewards("failed"),
    }


def role_sections(user, scope: set[int]) -> dict:
    """The parts of the home each of the user's permissions brings (an admin sees them all)."""
    sections: dict = {}
    if has_permission(user.role, "edit_campaign"):
        sections["marketer"] = {
            "drafts": homes.my_drafts(user, scope),
            "sent_back": homes.sent_back(user, scope),
            "live": homes.live_figures(scope),
        }
    if has_permission(user.role, "approve"):
        sections["approver"] = {
            "waiting": homes.waiting_for_me(user, scope),
            "ready": homes.ready_to_publish(scope) if has_permission(user.role, "publish") else [],
            "decided": homes.decided_recently(user),
        }
    if has_permission(user.role, "audit"):
        sections["auditor"] = {
            "versions": homes.latest_versions(scope),
            "audit": homes.latest_audit(user, scope),
        }
    return sections


class StudioIndexView(SecureViewMixin, AdminIndexView):
    @expose("/")
    def index(self):
        from builder.audit_words import action_label
        from builder.views.audit import object_text

        user = current_user._get_current_object()
        scope = branch_scope(user)
        role = ROLES[user.role]
        return self.render(
            "admin/studio_index.html",
            counts=dashboard_counts(scope),
            role_name=role.name_zh if current_language() == "zh" else role.name_en,
            notices=[(n, notice_text(n)) for n in notices_for(user)],
            sections=role_sections(user, scope),
            low_stock=low_stock_alerts(),
            action_label=action_label,
            object_text=object_text,
        )

    @expose("/notices/read", methods=("POST",))
    def read_notices(self):
        check_csrf()
        mark_read(current_user._get_current_object())
        return redirect(url_for(".index"))


def low_stock_alerts() -> list[dict]:
    """Coupon rights of the user's subtree running out, for those who upload codes."""
    from builder.rights import low_stock

    if not has_permission(current_user.role, "operate_rewards"):
        return []
    return low_stock(branch_scope(current_user))
