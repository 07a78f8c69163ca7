"""The `studio` command: a Flask CLI group with one-line errors and non-zero exit on bad input."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from core.config import ConfigError
from core.redis_server import RedisUnavailable


def build_app():
    from core import create_app

    return create_app()


class StudioGroup(FlaskGroup):
    def __init__(self, **kwargs):
        super().__init__(
            create_app=build_app,
            add_default_commands=False,
            add_version_option=False,
            load_dotenv=False,
            set_debug_flag=False,
            **kwargs,
        )


cli = StudioGroup(name="studio", help="Campaign Studio: run, administer and inspect the system.")


def register_commands(group: click.Group) -> click.Group:
    """Attach every package's commands (idempotent); returns the group."""
    if "up" in group.commands:
        return group
    from builder.cli import register as register_builder
    from core.cli import accounts, org, up
    from runtime.cli import register as register_runtime

    group.add_command(up.up)
    group.add_command(org.branch)
    group.add_command(accounts.user)
    group.add_command(accounts.channel)
    group.add_command(accounts.token)
    register_runtime(group)
    register_builder(group)
    return group


def main(argv: list[str] | None = None) -> None:
    """Console entry point: never a traceback for configuration or connection problems."""
    register_commands(cli)
    try:
        cli.main(args=argv, prog_name="studio", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"studio: configuration error: {exc}", err=True)
        sys.exit(2)
    except RedisUnavailable as exc:
        click.echo(f"studio: {exc}", err=True)
        sys.exit(2)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        click.echo(f"studio: DATABASE_URL: cannot use the database ({reason})", err=True)
        sys.exit(2)
