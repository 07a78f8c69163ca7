"""`studio reports`: count the ledgers into the report rollups now, or rebuild them."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group(help="Report rollups: catch up now, or rebuild everything from the ledgers.")
def reports():
    pass


def _refresh() -> None:
    from core.extensions import db, redis_store
    from runtime.rollups.insights import refresh_insights
    from runtime.rollups.states import refresh_reward_states
    from runtime.rollups.traffic import flush_traffic

    refresh_reward_states(db.session)
    flush_traffic(db.session, redis_store.client)
    refresh_insights(db.session, redis_store.client)


def _echo(counted: dict[str, int]) -> None:
    click.echo("counted: " + ", ".join(f"{n} {name}" for name, n in counted.items()))


@reports.command("catch-up", help="Count the ledger rows not in the rollups yet (what cron does).")
@with_appcontext
def catch_up_command():
    from core.extensions import db
    from runtime.rollups import catch_up

    _echo(catch_up(db.session))
    _refresh()


@reports.command(help="Forget every rollup and count all ledgers again (traffic is kept).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def rebuild(yes: bool):
    from core.extensions import db
    from runtime.rollups import rebuild as run

    if not yes:
        click.confirm("Reports show partial figures until the rebuild ends. Rebuild?", abort=True)
    _echo(run(db.session))
    _refresh()
