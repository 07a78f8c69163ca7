"""One campaign in the studio: what it is, what changed, who approved it, and the next step."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from builder.approvals import (
    ReviewError,
    decide,
    draft_differs_from_live,
    period_over,
    publish_approved,
    request_rollback,
    submit,
)
from builder.auth import branch_scope
from builder.csrf import check_csrf
from builder.describe import bundle_names, reward_kind, rule_sentence, widget_name
from builder.drafts import new_draft, save_draft, template_choices
from builder.i18n import N_, translate
from builder.views.base import SecureViewMixin
from core.extensions import db
from core.models import Campaign, CampaignVersion, Prize
from core.roles import has_permission

# the new-campaign form's fields (admin/campaign_new.html) by the labels it shows
NEW_FORM_LABELS = {"template": N_("Start from"), "name": N_("Name"), "slug": N_("Slug")}


def campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.branch_id not in branch_scope(current_user):
        abort(404)
    return campaign


def live_snapshot(campaign: Campaign) -> dict | None:
    if campaign.published_version_id is None:
        return None
    return db.session.get(CampaignVersion, campaign.published_version_id).snapshot


def page_context(campaign: Campaign) -> dict:
    live = live_snapshot(campaign)
    versions = db.session.scalars(
        select(CampaignVersion)
        .where(CampaignVersion.campaign_id == campaign.id)
        .order_by(CampaignVersion.number.desc())
    ).all()
    issued = {
        p.key: p for p in db.session.scalars(select(Prize).where(Prize.campaign_id == campaign.id))
    }
    lang = "zh" if translate("Home") != "Home" else "en"
    names = bundle_names(campaign.draft, lang)
    return {
        "campaign": campaign,
        "names": names,
        "rule_sentences": [
            rule_sentence(rule, lang, names) for rule in campaign.draft.get("rules", [])
        ],
        "widget_label": widget_name(campaign.widget_type, lang),
        "reward_label": lambda kind: reward_kind(kind, lang),
        "draft_changed": draft_differs_from_live(campaign),
        "bundle": campaign.draft,
        "live": live,
        **review_context(campaign, live, lang),
        "problems": draft_problems(campaign),
        "versions": versions,
        "prize_rows": issued,
        "can": {
            p: has_permission(current_user.role, p) for p in ("edit_campaign", "approve", "publish")
        },
        "lang": lang,
        "section_summaries": section_summaries(campaign),
        "sections_to_add": _sections_to_add(campaign),
    }


def draft_problems(campaign: Campaign) -> list:
    """What stops the draft's submission: the bundle's problems and, while it can be
    submitted, a period already over."""
    from rules import validate_bundle
    from rules.problems import Problem

    problems = validate_bundle(campaign.draft)
    submittable = campaign.review_status in ("editing", "rejected", "published")
    over = period_over(campaign.draft) if submittable else None
    if over is not None and draft_differs_from_live(campaign):
        message = translate(over.message).format(**over.params)
        problems.append(Problem(over.field, message, "period_over"))
    return problems


def review_context(campaign: Campaign, live: dict | None, lang: str) -> dict:
    """The approval and version parts of the campaign page (builder.review_state)."""
    from builder.changes import branch_names, describe_changes
    from builder.review_state import (
        chain_state,
        may_decide,
        review_text,
        same_content,
        versions_of,
    )

    allowed, why_not = may_decide(current_user._get_current_object(), campaign)
    versions = versions_of(campaign)
    return {
        "changes": describe_changes(live, campaign.draft, lang, branch_names(lang)) if live else [],
        "chain": chain_state(campaign),
        "may_decide": allowed,
        "why_not": why_not if has_permission(current_user.role, "approve") else "",
        "review_text": review_text(campaign),
        "rollback_origin": {v.id: same_content(v, versions) for v in versions},
    }


def _sections_to_add(campaign: Campaign) -> list:
    from builder.editor import sections_to_add

    return sections_to_add(campaign.draft)


def section_summaries(campaign: Campaign) -> list[tuple]:
    """Each editing section the campaign uses with a one-line summary of the draft."""
    from builder.editor import EditContext, sections_for
    from builder.i18n import current_language

    ctx = EditContext(lang=current_language(), bundle=campaign.draft)
    return [(section, section.summary(campaign.draft, ctx)) for section in sections_for(ctx.bundle)]


class CampaignPageView(SecureViewMixin, BaseView):
    """Routes under /studio/campaign/: detail, new, JSON editor, and the workflow steps."""

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("campaigns.index_view"))

    @expose("/<int:campaign_id>")
    def detail(self, campaign_id: int):
        return self.render("admin/campaign_page.html", **page_context(campaign_or_404(campaign_id)))

    @expose("/new", methods=("GET", "POST"))
    def new(self):
        if not has_permission(current_user.role, "edit_campaign"):
            abort(403)
        error = None
        if request.method == "POST":
            check_csrf()
            try:
                campaign = new_draft(
                    current_user,
                    request.form.get("start", ""),
                    request.form.get("slug", ""),
                    request.form.get("name", ""),
                )
                return redirect(url_for("editor.wizard", campaign_id=campaign.id, key="basics"))
            except ReviewError as exc:
                error = translate(exc.message).format(**exc.params)
                if exc.field in NEW_FORM_LABELS:  # the field by the label the form shows
                    error = f"{translate(NEW_FORM_LABELS[exc.field])}: {error}"
            except Exception as exc:  # CampaignError from the runtime: list the first problem
                if not hasattr(exc, "detail"):
                    raise
                db.session.rollback()
                error = exc.detail
        return self.render(
            "admin/campaign_new.html",
            choices=template_choices(),
            error=error,
            form=request.form,
            labels=NEW_FORM_LABELS,
        )

    @expose("/<int:campaign_id>/json", methods=("GET", "POST"))
    def edit_json(self, campaign_id: int):
        campaign = campaign_or_404(campaign_id)
        if not has_permission(current_user.role, "edit_campaign"):
            abort(403)
        text, errors = json.dumps(campaign.draft, ensure_ascii=False, indent=2), []
        if request.method == "POST":
            check_csrf()
            text = request.form.get("bundle", "")
            errors = self.save_json(campaign, text)
            if not errors:
                flash(
                    translate("Saved. Submit the draft for approval when it is ready."), "success"
                )
                return redirect(url_for(".detail", campaign_id=campaign.id))
        return self.render("admin/campaign_json.html", campaign=campaign, text=text, errors=errors)

    def save_json(self, campaign: Campaign, text: str) -> list[dict]:
        from builder.campaign_files import parse_bundle_text
        from rules.json_text import JSONTextError

        try:
            bundle = parse_bundle_text(text)
        except JSONTextError as exc:
            return [{"path": exc.path, "message": exc.message}]
        try:
            save_draft(campaign, bundle, current_user)
        except ReviewError as exc:
            return [{"path": exc.field, "message": translate(exc.message).format(**exc.params)}]
        except Exception as exc:
            if not hasattr(exc, "errors"):
                raise
            db.session.rollback()
            return exc.errors
        return []

    @expose("/<int:campaign_id>/<step>", methods=("POST",))
    def step(self, campaign_id: int, step: str):
        check_csrf()
        campaign = campaign_or_404(campaign_id)
        try:
            message, params = self.run_step(campaign, step)
            flash(translate(message).format(**params), "success")
        except ReviewError as exc:
            db.session.rollback()
            flash(
                translate("Refused") + ": " + translate(exc.message).format(**exc.params), "error"
            )
        except Exception as exc:
            if not hasattr(exc, "detail"):
                raise
            db.session.rollback()
            flash(translate("Refused") + f": {exc.detail}", "error")
        return redirect(url_for(".detail", campaign_id=campaign.id))

    def run_step(self, campaign: Campaign, step: str) -> tuple[str, dict]:
        """Run one workflow step; returns the message id to flash and its parameters."""
        from runtime import campaign_status

        user = current_user._get_current_object()
        reason = request.form.get("reason")
        if step == "submit":
            submit(campaign, user)
            return N_("Submitted for approval."), {}
        if step in ("approve", "reject"):
            decide(campaign, user, step == "approve", reason)
            return N_("Decision recorded."), {}
        if step == "publish":
            version = publish_approved(campaign, user, note=reason)
            return N_("Published as version {n}."), {"n": version.number}
        lifecycle = {
            "pause": campaign_status.pause_campaign,
            "resume": campaign_status.resume_campaign,
            "end": campaign_status.end_campaign,
        }
        if step in lifecycle:
            self.require("publish")
            lifecycle[step](campaign, user)
            return N_("Status changed."), {}
        if step == "rollback":
            number = request.form.get("version", type=int)
            if not number:
                raise ReviewError("version", N_("Choose the version to go back to."))
            request_rollback(campaign, number, user)
            return N_("The rollback to version {n} is submitted for approval."), {"n": number}
        abort(404)

    def require(self, permission: str) -> None:
        if not has_permission(current_user.role, permission):
            raise ReviewError("role", N_("Your role may not do this."))
