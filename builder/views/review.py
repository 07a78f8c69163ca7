"""Reviewing a campaign: any two of its versions (or the draft, or the live version) side by
side with every changed field's old and new value, where an approver decides; and a version's
own page (its content as the campaign page shows it, its approvers, its hash)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request
from flask_admin import BaseView, expose
from flask_login import current_user

from builder.changes import branch_names, by_section, describe_changes
from builder.i18n import current_language, translate
from builder.review_state import (
    chain_state,
    may_decide,
    review_text,
    same_content,
    versions_of,
)
from builder.views.base import SecureViewMixin
from builder.views.campaign_page import campaign_or_404
from core.extensions import db
from core.models import Campaign, CampaignVersion, User
from core.roles import has_permission


@dataclass
class Side:
    """One side of a comparison: the draft, or a published version."""

    token: str
    title: str
    bundle: dict[str, Any] | None
    version: CampaignVersion | None = None


def side_of(campaign: Campaign, token: str, versions: list[CampaignVersion]) -> Side:
    by_number = {str(v.number): v for v in versions}
    if token == "draft":
        return Side("draft", translate("Draft"), campaign.draft)
    if token == "live":
        live = next((v for v in versions if v.id == campaign.published_version_id), None)
        if live is None:
            return Side("live", translate("No live version yet"), None)
        token = str(live.number)
    version = by_number.get(token) or abort(404)
    return Side(token, translate("Version {n}").format(n=version.number), version.snapshot, version)


def content_view(bundle: dict[str, Any]) -> dict[str, Any]:
    """A bundle as the campaign page shows it: rules as sentences, section summaries, prizes
    with their shares."""
    from builder.describe import bundle_names, reward_kind, rule_sentence
    from builder.editor import SECTIONS, EditContext

    lang = current_language()
    names = bundle_names(bundle, lang)
    prizes = bundle.get("prizes") or []
    total = sum(float(p.get("weight") or 0) for p in prizes) or 1.0
    ctx = EditContext(lang=lang, bundle=bundle)
    return {
        "rules": [rule_sentence(rule, lang, names) for rule in bundle.get("rules") or []],
        "sections": [(s.label, s.summary(bundle, ctx)) for s in SECTIONS],
        "prizes": [
            {
                "name": names.get(p["key"], p["key"]),
                "weight": p.get("weight"),
                "share": 100 * float(p.get("weight") or 0) / total,
                "stock": p.get("stock"),
                "reward": reward_kind(((p.get("reward") or {}).get("kind")) or "", lang),
                "fallback": p.get("fallback"),
            }
            for p in prizes
        ],
    }


class ReviewView(SecureViewMixin, BaseView):
    """Routes under /studio/review/: campaign/<id> (compare and decide), version/<id>."""

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        abort(404)

    @expose("/campaign/<int:campaign_id>")
    def compare(self, campaign_id: int):
        campaign = campaign_or_404(campaign_id)
        versions = versions_of(campaign)
        left = side_of(campaign, request.args.get("a", "live"), versions)
        right = side_of(campaign, request.args.get("b", "draft"), versions)
        lang = current_language()
        rows = describe_changes(left.bundle, right.bundle, lang, branch_names(lang))
        allowed, why_not = may_decide(current_user._get_current_object(), campaign)
        return self.render(
            "admin/review_compare.html",
            campaign=campaign,
            versions=versions,
            left=left,
            right=right,
            rows=rows,
            # nothing to compare with (a new campaign): what is approved, section by section
            summary=by_section(rows, right.bundle)
            if left.bundle is None and right.bundle
            else None,
            levels=chain_state(campaign),
            review_text=review_text(campaign),
            may_decide=allowed,
            why_not=why_not if has_permission(current_user.role, "approve") else "",
        )

    @expose("/version/<int:version_id>")
    def version(self, version_id: int):
        version = db.session.get(CampaignVersion, version_id) or abort(404)
        campaign = campaign_or_404(version.campaign_id)
        versions = versions_of(campaign)
        publisher = db.session.get(User, version.published_by_id or 0)
        earlier = [v for v in versions if v.number < version.number]
        can_roll_back = (
            has_permission(current_user.role, "edit_campaign")
            or has_permission(current_user.role, "publish")
        ) and campaign.published_version_id != version.id
        return self.render(
            "admin/review_version.html",
            campaign=campaign,
            version=version,
            publisher=publisher,
            previous=earlier[0] if earlier else None,
            same_as=same_content(version, versions),
            content=content_view(version.snapshot),
            live=campaign.published_version_id == version.id,
            can_roll_back=can_roll_back,
        )
