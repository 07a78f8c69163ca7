"""Studio commands for the `studio` CLI: demo data and campaign import/export."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.extensions import db


@click.command(help="Load the demo branches, staff, channel and campaigns (idempotent).")
@with_appcontext
def demo():
    from builder.demo import load_demo

    try:
        summary = load_demo()
    except Exception:
        db.session.rollback()
        raise
    click.echo("demo loaded: " + ", ".join(f"{count} {name}" for name, count in summary.items()))


def register(group: click.Group) -> None:
    group.add_command(demo)
