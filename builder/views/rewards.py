"""Reward operations in the studio: issuance health, dead letters, parcels, code pools, points.

Views parse the form, call the issuance functions (which validate, audit and commit) and show
the outcome; every list is limited to campaigns of the user's branch and below.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select

from builder.auth import branch_scope
from builder.csrf import check_csrf
from builder.i18n import N_, translate
from builder.views.base import SecureViewMixin
from core.extensions import db
from core.models import Campaign, Channel, CouponPool, Participant, Prize, Reward
from core.roles import has_permission
from core.scope import is_head_office

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# runtime.issuance.coupons problem codes and line reasons, as the studio words them
COUPON_PROBLEMS = {
    "invalid_key": N_("A pool key is 1 to 64 lowercase letters, digits, '-' or '_'."),
    "range": N_("Must be at least 1."),
    "refused_lines": N_("Some lines were refused; nothing was saved."),
    "empty": N_("The file has no codes."),
}
COUPON_LINE_REASONS = {
    "too_long": N_("longer than 128 characters"),
    "control_character": N_("contains a control character"),
}


def campaigns_in_scope() -> dict[int, str]:
    rows = db.session.execute(
        select(Campaign.id, Campaign.slug).where(Campaign.branch_id.in_(branch_scope(current_user)))
    ).all()
    return dict(rows)


def pool_in_scope():
    """Code pools the user may see and fill: bank-wide ones, and those of their campaigns."""
    return CouponPool.campaign_id.is_(None) | CouponPool.campaign_id.in_(list(campaigns_in_scope()))


def reward_in_scope(reward_id: int) -> Reward:
    reward = db.session.get(Reward, reward_id)
    if reward is None or reward.campaign_id not in campaigns_in_scope():
        abort(404)
    return reward


def name_rewards(rows: list[dict]) -> None:
    """Add the words a person reads to reward rows: the reward kind's label, the prize's name."""
    from builder.describe import reward_kind
    from builder.i18n import current_language

    campaign_ids = {r["campaign_id"] for r in rows}
    names = {
        (p.campaign_id, p.key): p.name
        for p in db.session.scalars(select(Prize).where(Prize.campaign_id.in_(campaign_ids)))
    }
    for row in rows:
        row["kind_label"] = reward_kind(row["kind"], current_language())
        row["prize_name"] = names.get((row["campaign_id"], row["prize_key"]), "")


class RewardOpsView(SecureViewMixin, BaseView):
    required_permission = "operate_rewards"

    @expose("/")
    def index(self):
        from runtime.issuance import dead_letters, metrics

        scope = campaigns_in_scope()
        failed = [r for r in dead_letters.list_failed(limit=200) if r["campaign_id"] in scope]
        name_rewards(failed)
        return self.render(
            "admin/rewards_index.html",
            failed=failed,
            metrics=metrics.snapshot(),
            is_admin=has_permission(current_user.role, "manage_staff"),
        )

    @expose("/metrics.json")
    def metrics_json(self):
        from runtime.issuance import metrics

        if not has_permission(current_user.role, "manage_staff"):
            abort(403)
        return jsonify(metrics.snapshot())

    @expose("/<int:reward_id>/<action>", methods=("POST",))
    def dead_letter(self, reward_id: int, action: str):
        from runtime.issuance import dead_letters

        check_csrf()
        reward_in_scope(reward_id)
        handlers = {"retry": dead_letters.retry, "cancel": dead_letters.cancel}
        if action not in handlers:
            abort(404)
        try:
            handlers[action](
                reward_id,
                actor=current_user._get_current_object(),
                reason=request.form.get("reason") or None,
            )
            flash(translate("Done."), "success")
        except dead_letters.RewardStateError as exc:
            db.session.rollback()
            flash(translate("Refused") + f": {exc}", "error")
        return redirect(url_for(".index"))

    @expose("/parcels")
    def parcels(self):
        from runtime.issuance import fulfilment

        scope = campaigns_in_scope()
        items = [
            i
            for i in fulfilment.list_queue(status=request.args.get("status") or None)
            if i["campaign_id"] in scope
        ]
        return self.render("admin/rewards_parcels.html", items=items, slugs=scope)

    @expose("/parcels/<int:reward_id>", methods=("POST",))
    def parcel_step(self, reward_id: int):
        from runtime.issuance import fulfilment

        check_csrf()
        reward_in_scope(reward_id)
        actor = current_user._get_current_object()
        step = request.form.get("step", "")
        try:
            if step == "address":
                fulfilment.capture_address(
                    reward_id,
                    {f: request.form.get(f, "") for f in fulfilment.ADDRESS_FIELDS},
                    actor=actor,
                )
            else:
                fulfilment.mark(
                    reward_id,
                    step,
                    actor=actor,
                    carrier=request.form.get("carrier"),
                    tracking_no=request.form.get("tracking_no"),
                    note=request.form.get("note"),
                )
            flash(translate("Done."), "success")
        except fulfilment.FulfilmentError as exc:
            db.session.rollback()
            flash(translate("Refused") + f": {exc}", "error")
        return redirect(url_for(".parcels"))

    @expose("/coupons", methods=("GET", "POST"))
    def coupons(self):
        from builder.rights import pool_alerts
        from runtime.issuance import coupons

        report, problem = None, None
        if request.method == "POST":
            check_csrf()
            report, problem = self.upload(coupons)
        pools = db.session.scalars(
            select(CouponPool).where(pool_in_scope()).order_by(CouponPool.key)
        ).all()
        stats = [coupons.pool_stats(db.session, pool.key) for pool in pools]
        return self.render(
            "admin/rewards_coupons.html",
            stats=stats,
            alerts=pool_alerts([pool.key for pool in pools]),
            report=report,
            problem=problem,
            reasons=COUPON_LINE_REASONS,
            form=request.form,
        ), 422 if problem else 200

    def upload(self, coupons) -> tuple[dict | None, dict | None]:
        """Add a CSV of codes to a pool: (report, None) when added, (report or None,
        {field: message}) when refused (nothing is written then)."""
        from core import audit

        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return None, {"file": translate("Choose a CSV file of codes.")}
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            return None, {"file": translate("The file is larger than 5 MB.")}
        key = request.form.get("pool", "").strip()
        pool = coupons.pool_by_key(db.session, key)
        if pool is not None and pool.campaign_id not in (None, *campaigns_in_scope()):
            return None, {"pool": translate("No such pool in your branch.")}
        try:
            report = coupons.upload_codes(
                db.session,
                key,
                data.decode("utf-8-sig"),
                name=request.form.get("name") or None,
                valid_days=request.form.get("valid_days", type=int),
                message=request.form.get("message") or None,
                redemption_limit=request.form.get("redemption_limit", default=1, type=int),
            )
            audit.record(
                "coupons.upload",
                "coupon_pool",
                report.pool_key,
                actor=current_user._get_current_object(),
                after=report.to_dict(),
            )
            db.session.commit()
            from runtime.issuer_limits import codes_added  # the live campaigns may promise them

            codes_added(db.session, report.pool_key, report.added)
            return report.to_dict(), None
        except UnicodeDecodeError:
            return None, {"file": translate("The file is not UTF-8 text.")}
        except coupons.CouponError as exc:
            db.session.rollback()
            message = COUPON_PROBLEMS.get(exc.code, N_("This value is not valid here."))
            return (exc.report.to_dict() if exc.report else None), {exc.field: translate(message)}

    @expose("/points", methods=("GET", "POST"))
    def points(self):
        """Enter points for a customer of a campaign in the user's subtree; above the
        approval threshold the entry waits for a second person (runtime.issuance.staff_requests)."""
        from runtime.issuance import staff_requests

        actor = current_user._get_current_object()
        result = None
        if request.method == "POST":
            check_csrf()
            try:
                participant = self.find_participant(
                    request.form.get("channel", type=int),
                    request.form.get("participant", "").strip(),
                )
                result = staff_requests.enter_points(
                    actor,
                    participant.id,
                    request.form.get("amount", type=int) or 0,
                    note=request.form.get("note", ""),
                    campaign_id=request.form.get("campaign", type=int),
                    valid_days=request.form.get("valid_days", type=int),
                )
                message = (
                    N_("Done.") if result["status"] == "posted" else N_("Waiting for approval.")
                )
                flash(translate(message), "success")
            except ValueError as exc:
                db.session.rollback()
                flash(translate("Refused") + f": {exc}", "error")
        return self.render(
            "admin/rewards_points.html",
            channels=db.session.scalars(select(Channel).order_by(Channel.name)).all(),
            campaigns=campaigns_in_scope(),
            bank_wide=is_head_office(actor),
            pending=staff_requests.pending_in_scope(actor),
            result=result,
        )

    @expose("/points/requests/<int:request_id>/<decision>", methods=("POST",))
    def points_decision(self, request_id: int, decision: str):
        from runtime.issuance import staff_requests

        check_csrf()
        if decision not in ("approve", "refuse"):
            abort(404)
        try:
            staff_requests.decide(
                request_id,
                current_user._get_current_object(),
                decision == "approve",
                request.form.get("reason"),
            )
            flash(translate("Decision recorded."), "success")
        except ValueError as exc:
            db.session.rollback()
            flash(translate("Refused") + f": {exc}", "error")
        return redirect(url_for(".points"))

    @staticmethod
    def find_participant(channel_id: int | None, external_id: str) -> Participant:
        participant = db.session.scalar(
            select(Participant).where(
                Participant.channel_id == channel_id, Participant.external_id == external_id
            )
        )
        if participant is None:
            raise ValueError("participant: nobody with that id has used this channel yet")
        return participant
