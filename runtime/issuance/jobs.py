"""RQ job functions for scheduled and ad-hoc work. Each takes ids and primitives, works in
the worker's app context, commits its own transaction, rolls back on error and removes the
session at the end. RQ delivers at least once, so every job is idempotent."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select

from core import audit
from core.extensions import db, redis_store
from core.models import Campaign, utcnow

logger = logging.getLogger(__name__)

_app = None


def _application():
    """The app for jobs run by a plain RQ worker process (created once per process)."""
    global _app
    if _app is None:
        from core import create_app

        _app = create_app()
    return _app


def job(func):
    """Run in an app context with a clean session; roll back on error, always remove it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        context = None if has_app_context() else _application().app_context()
        if context is not None:
            context.push()
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
            if context is not None:
                context.pop()

    return wrapper


@job
def issue_reward(reward_id: int) -> str:
    """Issue ONE reward through the outbox machinery (the one-job-per-reward path; used by the
    benchmark baseline and to push a single reward by hand)."""
    from sqlalchemy import update

    from core.models import Reward
    from runtime.issuance.claim import new_token
    from runtime.issuance.engine import issue_external, issue_internal
    from runtime.issuance.issuers import ClaimedReward, default_registry
    from runtime.issuance.settings import load_settings

    settings = load_settings()
    issuers = default_registry().build(settings)
    now = utcnow()
    token = new_token("job")
    row = db.session.execute(
        update(Reward)
        .where(Reward.id == reward_id, Reward.status == "pending")
        .values(
            status="issuing",
            claimed_by=token,
            attempts=Reward.attempts + 1,
            lease_until=now + timedelta(seconds=settings.lease_seconds),
            updated_at=now,
        )
        .returning(
            Reward.id,
            Reward.kind,
            Reward.campaign_id,
            Reward.participant_id,
            Reward.prize_key,
            Reward.payload,
            Reward.attempts,
            Reward.max_attempts,
            Reward.draw_id,
        )
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
    if row is None:
        return "not pending"
    claimed = ClaimedReward(
        id=row.id,
        kind=row.kind,
        campaign_id=row.campaign_id,
        participant_id=row.participant_id,
        prize_key=row.prize_key,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        token=token,
        draw_id=row.draw_id,
    )
    issue = issue_internal if issuers[claimed.kind].internal else issue_external
    report = issue(db.session, [claimed], issuers, settings)
    return "issued" if report.issued else "not issued"


def _flip(campaign: Campaign, status: str, action: str) -> None:
    before = {"status": campaign.status}
    campaign.status = status
    audit.record(
        f"campaign.{action}",
        "campaign",
        campaign.id,
        actor_label="scheduler",
        before=before,
        after={"status": status},
    )


@job
def start_campaign(campaign_id: int) -> str:
    """At starts_at: an approved, published campaign goes live; hot state is primed."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.starts_at is None or campaign.starts_at > utcnow():
        return "not due"
    if campaign.status == "approved" and campaign.published_version_id:
        _flip(campaign, "live", "start")
        db.session.commit()
    _reconcile(campaign.slug)
    return campaign.status


@job
def end_campaign(campaign_id: int) -> str:
    """At ends_at: a live or paused campaign ends (through the runtime's publishing code)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.ends_at is None or campaign.ends_at > utcnow():
        return "not due"
    if campaign.status in ("live", "paused", "approved"):
        try:
            from runtime.campaign_status import end_campaign as finish
        except ImportError:  # pragma: no cover - the runtime ships it
            finish = None
        if finish is not None and campaign.status in ("live", "paused"):
            finish(campaign)
        else:
            _flip(campaign, "ended", "end")
            db.session.commit()
    return campaign.status


def _reconcile(slug: str | None) -> list[dict[str, Any]]:
    try:
        from runtime.reconcile import reconcile
    except ImportError:  # pragma: no cover
        logger.warning("runtime.reconcile is not available")
        return []
    db.session.rollback()  # what the job wrote is committed; reconcile reads without a lock
    return reconcile(slug)


@job
def reconcile_all() -> int:
    """The reconciler: rebuild/repair Redis hot state from the ledger for live campaigns."""
    slugs = db.session.scalars(select(Campaign.slug).where(Campaign.status == "live")).all()
    db.session.rollback()
    for slug in slugs:
        _reconcile(slug)
    return len(slugs)


@job
def release_daily_stock(campaign_id: int) -> str:
    """At local midnight: the new day's release keys are rebuilt from the ledger."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "live":
        return "skipped"
    _reconcile(campaign.slug)
    return "released"


@job
def expire_points() -> int:
    from runtime.issuance.points import expire_due

    return expire_due(db.session)


@job
def expire_rewards() -> int:
    """Mark issued coupon rewards whose code validity has passed as expired (participants see
    it in their reward list); codes themselves stay assigned for the audit trail."""
    from runtime.issuance.expiry import expire_coupon_rewards

    return expire_coupon_rewards(db.session, utcnow())


@job
def roll_up(max_seconds: float = 240.0) -> dict[str, int]:
    """Count the ledger rows not yet in the report rollups, then refresh where the rewards
    stand (runtime.rollups); a run that hits `max_seconds` leaves the rest to the next."""
    from runtime.rollups import catch_up
    from runtime.rollups.states import refresh_reward_states

    counted = catch_up(db.session, max_seconds=max_seconds)
    refresh_reward_states(db.session)
    return counted


@job
def flush_traffic() -> int:
    """Copy the participant pages' view, visitor and click counters from Redis into SQL."""
    from runtime.rollups.traffic import flush_traffic as flush

    return flush(db.session, redis_store.client)


@job
def refresh_insights() -> int:
    """Recompute the invitation figures (viral coefficient, tree depth, top inviters)."""
    from runtime.rollups.insights import refresh_insights as refresh

    return refresh(db.session, redis_store.client)


@job
def campaign_clock() -> dict[str, int]:
    """Every minute: run overdue start/end transitions and schedule exact-time ones for the
    next few minutes with RQ's enqueue_at (deterministic job ids, so repeats are harmless)."""
    from runtime.issuance.scheduler import plan_campaign_times

    return plan_campaign_times(current_app._get_current_object())


@job
def grant_points(participant_id: int, amount: int, source_key: str, note: str) -> str:
    """Credit points queued in bulk (e.g. a branch's deposit list); idempotent by source_key."""
    from sqlalchemy.exc import IntegrityError

    from core.models import PointsEntry
    from runtime.issuance.points import post

    exists = db.session.scalar(select(PointsEntry.id).where(PointsEntry.source_key == source_key))
    if exists:
        return "duplicate"
    try:
        post(
            db.session,
            participant_id=participant_id,
            delta=amount,
            kind="staff",
            source_key=source_key,
            note=note,
            actor="job",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    return "credited"
