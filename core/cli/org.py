"""`studio branch`: the organisation from the command line, starting with the head office of
an empty database (no demo needed)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.branches import BranchError, create_branch
from core.extensions import db


@click.group(help="Branches of the bank.")
def branch():
    pass


@branch.command("create", help="Create the head office (--hq) or a branch below --parent.")
@click.argument("code")
@click.option("--name", required=True, help="The branch's name (as customers read it).")
@click.option("--name-en", default=None, help="English name.")
@click.option("--parent", "parent_code", default=None, help="The parent branch's code.")
@click.option("--hq", "head_office", is_flag=True, help="This is the head office (no parent).")
@click.option("--lat", "latitude", type=float, default=None, help="Latitude, -90 to 90.")
@click.option("--lon", "longitude", type=float, default=None, help="Longitude, -180 to 180.")
@click.option("--city", default=None)
@click.option("--address", default=None)
@click.option("--approval-levels", type=int, default=1, show_default=True)
@with_appcontext
def branch_create(code: str, name: str, parent_code: str | None, head_office: bool, **fields):
    try:
        created = create_branch(
            code, name, parent_code=parent_code, head_office=head_office, **fields
        )
        db.session.commit()
    except BranchError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    where = f" at {created.latitude}, {created.longitude}" if created.latitude is not None else ""
    click.echo(f"created {created.level} {created.code} {created.name}{where}")
