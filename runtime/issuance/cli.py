"""`studio` commands for issuance: worker children, reward dead letters, points, coupons,
fulfilment and metrics. Registered by runtime/cli.py."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core.extensions import db


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(help="Issuance worker processes (started by `studio worker`).")
def issuance():
    pass


@issuance.command("loop", help="Run one outbox issuance loop (one per process).")
@click.option("--burst", is_flag=True, help="Exit when nothing is due.")
@click.option("--kind", "kinds", multiple=True, help="Only these reward kinds.")
@with_appcontext
def loop_command(burst: bool, kinds: tuple[str, ...]):
    from runtime.issuance.loop import run_issuance_process

    run_issuance_process(current_app._get_current_object(), burst=burst, kinds=list(kinds) or None)


@issuance.command("rq", help="Run an RQ worker with the scheduler on one queue.")
@click.option("--queue", default="default", show_default=True)
@click.option("--burst", is_flag=True)
@with_appcontext
def rq_command(queue: str, burst: bool):
    from runtime.worker import run_rq_worker

    run_rq_worker(current_app._get_current_object(), queue, burst=burst)


@issuance.command("cron", help="Run the periodic-job scheduler (one active per deployment).")
@with_appcontext
def cron_command():
    from runtime.issuance.scheduler import run_cron

    run_cron(current_app._get_current_object())


@issuance.command("stats", help="Print outbox depth, issuance rate, failures, queues (JSON).")
@with_appcontext
def stats_command():
    from runtime.issuance.metrics import snapshot

    _echo_json(snapshot())


@click.group(help="Rewards: dead letters (failed rewards) and manual fulfilment.")
def rewards():
    pass


@rewards.command("list-failed")
@click.option("--campaign", "slug", help="Campaign slug.")
@click.option("--limit", default=100, show_default=True)
@with_appcontext
def list_failed_command(slug: str | None, limit: int):
    from core.models import Campaign
    from runtime.issuance.dead_letters import list_failed

    campaign_id = None
    if slug:
        campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        if campaign_id is None:
            raise click.ClickException(f"--campaign: no campaign {slug!r}")
    items = list_failed(campaign_id, limit)
    for item in items:
        click.echo(
            f"{item['id']}\t{item['campaign']}\t{item['kind']}\t{item['attempts']}\t"
            f"{item['last_error']}"
        )
    click.echo(f"{len(items)} failed reward(s)", err=True)


def _state_action(action, reward_id: int, reason: str | None) -> None:
    from runtime.issuance.dead_letters import RewardStateError

    try:
        result = action(reward_id, actor_label="cli", reason=reason)
    except RewardStateError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"reward {result['id']}: {result['status']}")


@rewards.command("retry", help="Send a failed reward back to the outbox (audited).")
@click.argument("reward_id", type=int)
@click.option("--reason")
@with_appcontext
def retry_command(reward_id: int, reason: str | None):
    from runtime.issuance.dead_letters import retry

    _state_action(retry, reward_id, reason)


@rewards.command("cancel", help="Cancel a failed or pending reward (audited).")
@click.argument("reward_id", type=int)
@click.option("--reason", required=True)
@with_appcontext
def cancel_command(reward_id: int, reason: str):
    from runtime.issuance.dead_letters import cancel

    _state_action(cancel, reward_id, reason)


@rewards.command("ship", help="Mark a physical reward shipped.")
@click.argument("reward_id", type=int)
@click.option("--tracking", required=True)
@click.option("--carrier", default="")
@with_appcontext
def ship_command(reward_id: int, tracking: str, carrier: str):
    from runtime.issuance.fulfilment import FulfilmentError, mark

    try:
        _echo_json(
            mark(reward_id, "shipped", actor_label="cli", carrier=carrier, tracking_no=tracking)
        )
    except FulfilmentError as exc:
        raise click.ClickException(str(exc)) from None


@rewards.command("deliver", help="Mark a shipped physical reward delivered.")
@click.argument("reward_id", type=int)
@with_appcontext
def deliver_command(reward_id: int):
    from runtime.issuance.fulfilment import FulfilmentError, mark

    try:
        _echo_json(mark(reward_id, "delivered", actor_label="cli"))
    except FulfilmentError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(help="The points ledger.")
def points():
    pass


@points.command("credit", help="Staff points entry (negative to debit), audited.")
@click.option("--participant-id", type=int, required=True)
@click.option("--amount", type=int, required=True)
@click.option("--note", required=True)
@click.option("--campaign", "slug")
@click.option("--valid-days", type=int)
@with_appcontext
def credit_command(
    participant_id: int, amount: int, note: str, slug: str | None, valid_days: int | None
):
    from core.models import Campaign
    from runtime.issuance.staff import credit_points

    campaign_id = None
    if slug:
        campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        if campaign_id is None:
            raise click.ClickException(f"--campaign: no campaign {slug!r}")
    try:
        _echo_json(
            credit_points(
                participant_id,
                amount,
                note=note,
                actor_label="cli",
                campaign_id=campaign_id,
                valid_days=valid_days,
            )
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(help="Coupon code pools (rights library).")
def coupons():
    pass


@coupons.command("upload", help="Add codes from a CSV file (first column) to a pool.")
@click.argument("pool")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--name")
@click.option("--valid-days", type=int)
@click.option("--message")
@click.option("--redemption-limit", type=int, default=1, show_default=True)
@with_appcontext
def upload_command(pool, csv_file, name, valid_days, message, redemption_limit):
    from core.audit import record
    from runtime.issuance.coupons import CouponError, upload_codes
    from runtime.issuer_limits import codes_added

    try:
        report = upload_codes(
            db.session,
            pool,
            csv_file.read(),
            name=name,
            valid_days=valid_days,
            message=message,
            redemption_limit=redemption_limit,
        )
    except CouponError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    record("coupons.upload", "coupon_pool", pool, actor_label="cli", after=report.to_dict())
    db.session.commit()
    codes_added(db.session, pool, report.added)
    click.echo(f"pool {pool}: {report.added} added, {report.duplicates} duplicates skipped")


def register(group: click.Group) -> None:
    for command in (issuance, rewards, points, coupons):
        group.add_command(command)
