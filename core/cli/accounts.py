"""`studio user`, `studio channel` and `studio token`."""

from __future__ import annotations

import json
import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.accounts import AccountError, create_channel, create_user, rotate_channel_secret
from core.extensions import db
from core.models import Channel
from core.roles import ROLE_KEYS, least_privileged
from core.tokens import mint_token


@click.group(help="Staff users.")
def user():
    pass


@user.command("create", help="Create a staff user.")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLE_KEYS),
    default=least_privileged(),
    show_default=True,
    help="Default: the least privileged role.",
)
@click.option("--branch", "branch_code", default=None, help="Branch code (default: head office).")
@click.option("--password", default=None, help="Password (default: a random one, printed).")
@with_appcontext
def user_create(name: str, role: str, branch_code: str | None, password: str | None):
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        created = create_user(name, role, branch_code, password)
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.UsageError(str(exc)) from None
    click.echo(f"created {created.role} {created.username} at branch {created.branch.code}")
    if generated:
        click.echo(f"password: {password}")


@click.group(help="Channels that sign participant tokens and post server events.")
def channel():
    pass


@channel.command("create", help="Create a channel and print its key and secret (shown once).")
@click.argument("name")
@with_appcontext
def channel_create(name: str):
    try:
        credentials = create_channel(name)
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.UsageError(str(exc)) from None
    click.echo(f"channel: {credentials.channel.name}")
    click.echo(f"key:     {credentials.channel.key}")
    click.echo(f"secret:  {credentials.secret}")


@channel.command("rotate", help="Give a channel a new secret and print it (shown once).")
@click.argument("name")
@with_appcontext
def channel_rotate(name: str):
    found = db.session.scalar(select(Channel).where(Channel.name == name))
    if found is None:
        raise click.ClickException(f"NAME: no channel named {name!r}")
    credentials = rotate_channel_secret(found)
    db.session.commit()
    click.echo(f"channel: {found.name}")
    click.echo(f"key:     {found.key}")
    click.echo(f"secret:  {credentials.secret}")


def parse_attr(value: str) -> tuple[str, object]:
    if "=" not in value:
        raise click.BadParameter(f"{value!r}: expected key=value")
    key, raw = value.split("=", 1)
    if not key.strip():
        raise click.BadParameter(f"{value!r}: empty key")
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        parsed = raw
    if key == "tags" and isinstance(parsed, str):
        parsed = [tag for tag in parsed.split(",") if tag]
    return key.strip(), parsed


@click.command(help="Print a participant bearer token signed with a channel's secret.")
@click.option("--channel", "channel_name", required=True)
@click.option("--participant", required=True)
@click.option("--attr", "attrs", multiple=True, help="key=value (JSON values allowed; tags=a,b)")
@click.option("--ttl", default=3600, show_default=True, type=int)
@with_appcontext
def token(channel_name: str, participant: str, attrs: tuple[str, ...], ttl: int):
    found = db.session.scalar(select(Channel).where(Channel.name == channel_name))
    if found is None:
        raise click.UsageError(f"--channel: no channel named {channel_name!r}")
    try:
        claims = dict(parse_attr(item) for item in attrs)
        click.echo(mint_token(found, participant, claims or None, ttl))
    except (ValueError, AccountError) as exc:
        raise click.UsageError(str(exc)) from None
