"""Runtime commands for the `studio` CLI: workers (and, from the runtime, reconcile)."""

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


def register(group: click.Group) -> None:
    group.add_command(worker)
