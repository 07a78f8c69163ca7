"""The campaign editor's pages: one form per section, and the wizard that walks them in order."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from builder.approvals import period_over
from builder.auth import branch_scope
from builder.editor import BY_KEY, EditContext, section_for_path, sections_for
from builder.editor.base import widget_draws
from builder.editor.review import budget_warnings, last_simulation
from builder.editor.rule_builder import builder_config, problem_targets
from builder.editor.save import bundle_problems, save_section
from builder.editor.words import Words
from builder.i18n import current_language, translate
from builder.views.base import SecureViewMixin
from builder.views.campaign_page import campaign_or_404
from core.extensions import db
from core.models import Branch, Campaign
from core.roles import has_permission

WIZARD_STEPS = ("basics", "windows", "widget", "prizes", "chances", "limits", "audience", "rules")


def step_order() -> tuple[str, ...]:
    """Every section in wizard order: the loyalty ones (tasks, mall) come after the prizes."""
    extra = tuple(key for key in BY_KEY if key not in WIZARD_STEPS)
    cut = WIZARD_STEPS.index("prizes") + 1
    return WIZARD_STEPS[:cut] + extra + WIZARD_STEPS[cut:]


def wizard_steps(bundle: dict) -> tuple[str, ...]:
    """The wizard's steps for this campaign: the sections it uses, in wizard order (a page that
    does not draw, a points mall, has no prizes step)."""
    used = {s.key for s in sections_for(bundle)}
    return tuple(key for key in step_order() if key in used)


def listed_sections(bundle: dict, current=None) -> list:
    """The sections the editor lists: those the campaign uses, and the one being edited."""
    return [s for s in BY_KEY.values() if s.applies(bundle) or s is current]


def edit_context(campaign: Campaign) -> EditContext:
    from builder.audience_lists import usable_lists
    from builder.rights import editor_choices, usable_rights
    from core.models import CouponPool

    scope = branch_scope(current_user)
    branches = db.session.scalars(
        select(Branch).where(Branch.id.in_(scope)).order_by(Branch.code)
    ).all()
    pools = db.session.scalars(
        select(CouponPool)
        .where((CouponPool.campaign_id.is_(None)) | (CouponPool.campaign_id == campaign.id))
        .order_by(CouponPool.key)
    ).all()
    from core.models import Channel

    return EditContext(
        lang=current_language(),
        bundle=campaign.draft,
        channels=list(db.session.scalars(select(Channel.name).order_by(Channel.name))),
        branches=[(b.code, f"{b.name} ({b.code})") for b in branches],
        pools=[(p.key, f"{p.name} ({p.key})" if p.name != p.key else p.key) for p in pools],
        rights=editor_choices(usable_rights(campaign.branch_id), current_language()),
        lists={
            kind: [(name, v.number, v.size) for name, v in usable_lists(campaign.branch_id, kind)]
            for kind in ("whitelist", "segment")
        },
    )


def problem_links(campaign: Campaign, problems: list[dict]) -> list[dict]:
    """Each problem with a link to the field where it can be fixed."""
    out = []
    for problem in problems:
        section = section_for_path(problem["path"])
        url = None
        if section:
            url = url_for(".section", campaign_id=campaign.id, key=section.key)
            field = section.field_for(problem["path"], campaign.draft)
            url += f"#{field}" if field else ""
        out.append({**problem, "section": section.label if section else "", "url": url})
    return out


class EditorView(SecureViewMixin, BaseView):
    """Routes under /studio/campaign/<id>/: edit/<section> and wizard/<step>."""

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("campaigns.index_view"))

    def editable(self, campaign_id: int) -> Campaign:
        campaign = campaign_or_404(campaign_id)
        if not has_permission(current_user.role, "edit_campaign"):
            abort(403)
        return campaign

    @expose("/<int:campaign_id>/edit/<key>", methods=("GET", "POST"))
    def section(self, campaign_id: int, key: str):
        return self.edit(campaign_id, key, wizard=False)

    @expose("/<int:campaign_id>/wizard/<key>", methods=("GET", "POST"))
    def wizard(self, campaign_id: int, key: str):
        if key == "review":
            return self.review(campaign_id)
        if key not in wizard_steps(campaign_or_404(campaign_id).draft):
            abort(404)
        return self.edit(campaign_id, key, wizard=True)

    def edit(self, campaign_id: int, key: str, wizard: bool):
        campaign = self.editable(campaign_id)
        section = BY_KEY.get(key) or abort(404)
        ctx = edit_context(campaign)
        form = section.build_form(ctx, request.form if request.method == "POST" else None)
        result = None
        if request.method == "POST":
            result = save_section(section, form, ctx, campaign, current_user._get_current_object())
            if result.saved:
                flash(
                    translate("Saved. Submit the draft for approval when it is ready."), "success"
                )
                return redirect(self.next_url(campaign, key, wizard))
            db.session.rollback()
        return self.render(
            "admin/editor/section.html",
            campaign=campaign,
            section=section,
            sections=[
                (s, s.summary(campaign.draft, ctx)) for s in listed_sections(ctx.bundle, section)
            ],
            form=form,
            ctx=ctx,
            wizard=wizard,
            steps=wizard_steps(campaign.draft),
            step_labels=step_labels(wizard_steps(campaign.draft)),
            elsewhere=problem_links(campaign, result.elsewhere) if result else [],
            rule_problems=problem_targets(result.problems) if result else [],
            builder=builder_config(ctx) if key in ("rules", "audience") else None,
            not_saved=result is not None and not result.saved,
        )

    def next_url(self, campaign: Campaign, key: str, wizard: bool) -> str:
        if not wizard:
            return url_for(".section", campaign_id=campaign.id, key=key)
        # the step just saved may have left the campaign's steps (its last prize removed)
        order = step_order()
        here = order.index(key)
        steps = wizard_steps(campaign.draft)
        if request.form.get("go") == "back":
            earlier = [k for k in steps if order.index(k) < here]
            target = earlier[-1] if earlier else steps[0]
        else:
            later = [k for k in steps if order.index(k) > here]
            target = later[0] if later else "review"
        return url_for(".wizard", campaign_id=campaign.id, key=target)

    @expose("/<int:campaign_id>/test", methods=("GET", "POST"))
    def tester(self, campaign_id: int):
        """Test a rule: a sample participant at a moment -> rules, conditions, actions, odds."""
        from builder.editor import tester
        from rules.tester import run_trigger

        campaign = campaign_or_404(campaign_id)
        ctx = edit_context(campaign)
        bundle = campaign.draft
        form = tester.tester_form(ctx)(
            request.form if request.method == "POST" else None,
            data={
                "trigger": "draw",
                "at": tester.default_moment(bundle),
                "chance_kind": bundle["chances"].get("default_kind"),
            },
        )
        result = None
        if request.method == "POST" and form.validate():
            trigger, sample, moment = tester.sample_from(form, bundle["schedule"]["timezone"])
            result = run_trigger(bundle, trigger, sample, moment)
        return self.render(
            "admin/editor/tester.html",
            campaign=campaign,
            form=form,
            groups=tester.groups(form),
            result=result,
            words=Words(ctx.lang, bundle),
        )

    @expose("/<int:campaign_id>/simulate")
    def simulate(self, campaign_id: int):
        """Simulate the draft: people and behaviour from the form; charts, tables and a CSV."""
        from flask import session

        from builder.campaign_files import pool_sizes
        from builder.describe import bundle_names, widget_name
        from builder.editor import simulation

        campaign = campaign_or_404(campaign_id)
        ctx = edit_context(campaign)
        form = simulation.simulation_form(ctx)(request.args if request.args else None)
        report = rows = None
        warnings: list[str] = []
        draws = widget_draws(campaign.draft)  # a points mall or a vote has no draw to simulate
        if draws and request.args and form.validate():
            pools = pool_sizes(campaign.draft)
            report = simulation.run(campaign.draft, form, pools)
            names = bundle_names(campaign.draft, ctx.lang)
            rows = simulation.prize_rows(campaign.draft, report, names)
            warnings = simulation.pool_warnings(campaign.draft, pools, names)
            if request.args.get("format") == "csv":
                body = "\ufeff" + simulation.csv_text(report, rows, names)  # BOM: Excel reads UTF-8
                return Response(
                    body,
                    mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={campaign.slug}.csv"},
                )
            session[f"simulation:{campaign.id}"] = {
                "draft_hash": campaign.draft_hash,
                "over_budget": report.over_budget,
                "cost": report.expected_cost,
            }
        return self.render(
            "admin/editor/simulation.html",
            campaign=campaign,
            draws=draws,
            widget_label=widget_name(campaign.widget_type, ctx.lang),
            drawing_widgets=simulation.drawing_widgets(ctx),
            form=form,
            report=report,
            rows=rows,
            warnings=warnings,
            charts=simulation.chart_data(report, rows, ctx.lang) if report else None,
            csv_url=request.full_path.replace("?", "?format=csv&", 1) if report else None,
        )

    @expose("/<int:campaign_id>/preview")
    def preview(self, campaign_id: int):
        campaign = campaign_or_404(campaign_id)
        return self.render("admin/editor/preview.html", campaign=campaign)

    @expose("/<int:campaign_id>/preview/page")
    def preview_page(self, campaign_id: int):
        """The draft's participant page, playing against the sandbox (framed by `preview`)."""
        import widgets
        from builder.csrf import csrf_token
        from builder.editor.sandbox import initial_state
        from rules import load_bundle

        campaign = campaign_or_404(campaign_id)
        bundle = load_bundle(campaign.draft)
        widget = widgets.get(bundle["widget"]["type"])
        preview = widget.preview_state(bundle)
        preview["sandbox"] = {
            "url": url_for(".sandbox", campaign_id=campaign.id, action="").rstrip("/"),
            "csrf": csrf_token(),
            "state": initial_state(bundle),
        }
        html = widget.render_page(
            bundle,
            lang=current_language(),
            static_base=url_for("pages.static_file", filename="").rstrip("/"),
            preview=preview,
        )
        return Response(html, mimetype="text/html")

    @expose("/<int:campaign_id>/sandbox/<action>", methods=("POST",))
    def sandbox(self, campaign_id: int, action: str):
        """One request of the preview against the draft's rules and odds; nothing is stored."""
        from datetime import UTC, datetime

        from builder.csrf import check_csrf
        from builder.editor.sandbox import TRIGGERS, play

        check_csrf()
        campaign = campaign_or_404(campaign_id)
        if action not in TRIGGERS:
            abort(404)
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("state"), dict):
            return jsonify({"code": "bad_request", "detail": "state: an object is needed"}), 400
        body = payload.get("body") if isinstance(payload.get("body"), dict) else {}
        return jsonify(play(campaign.draft, action, payload["state"], body, datetime.now(UTC)))

    def review(self, campaign_id: int):
        campaign = self.editable(campaign_id)
        ctx = edit_context(campaign)
        found = bundle_problems(campaign.draft, ctx.lang)
        over = period_over(campaign.draft)
        if over is not None:
            message = translate(over.message).format(**over.params)
            found.append({"path": over.field, "message": message})
        problems = problem_links(campaign, found)
        warnings = budget_warnings(campaign.draft, ctx.lang, last_simulation(campaign))
        return self.render(
            "admin/editor/review.html",
            campaign=campaign,
            sections=[(s, s.summary(campaign.draft, ctx)) for s in sections_for(campaign.draft)],
            problems=problems,
            warnings=warnings,
            steps=wizard_steps(campaign.draft),
            step_labels=step_labels(wizard_steps(campaign.draft)),
            wizard=True,
        )


def step_labels(steps: tuple[str, ...] = WIZARD_STEPS) -> dict[str, str]:
    return {key: BY_KEY[key].label for key in steps}
