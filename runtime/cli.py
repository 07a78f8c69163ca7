"""Runtime commands for the `studio` CLI: workers, reconcile, and the issuance commands."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

logger = logging.getLogger(__name__)


@click.command(help="Run an RQ worker with the scheduler (issuance and scheduled work).")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option(
    "--queue", "queues", multiple=True, help="Queue name (default: issuance then default)."
)
@with_appcontext
def worker(burst: bool, queues: tuple[str, ...]):
    from runtime.worker import run_worker

    run_worker(current_app._get_current_object(), list(queues) or None, burst=burst)


@click.command(help="Rebuild or repair Redis hot state (stock, chances, counters) from the ledger.")
@click.argument("slug", required=False)
@with_appcontext
def reconcile(slug: str | None):
    from runtime.reconcile import reconcile as run

    try:
        results = run(slug)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    for item in results:
        if "skipped" in item:
            click.echo(f"{item['slug']}: skipped ({item['skipped']})")
            continue
        drift = ", ".join(f"{k}: {a} -> {b}" for k, (a, b) in item["stock_drift"].items())
        click.echo(f"{item['slug']}: {item['people']} participants; stock drift: {drift or 'none'}")


def register(group: click.Group) -> None:
    from runtime.issuance.cli import register as register_issuance
    from runtime.rollups.cli import reports

    group.add_command(worker)
    group.add_command(reports)
    group.add_command(reconcile)
    register_issuance(group)
