"""`studio up`: what `make run` runs."""

from __future__ import annotations

import sys

import click

from core.config import load_config
from core.supervisor import Supervisor


def print_banner(port: int, env: dict[str, str]) -> None:
    from core import create_app

    click.echo("")
    click.echo("=" * 72)
    click.echo(f"Campaign Studio is up: http://127.0.0.1:{port}/studio/")
    click.echo(
        f"Health: http://127.0.0.1:{port}/readyz   API: http://127.0.0.1:{port}/api/v1/openapi.json"
    )
    try:
        from builder.demo import DEMO_BRANCHES, DEMO_USERS, demo_links, demo_loaded

        app = create_app({"REDIS_URL": env["REDIS_URL"], "REDIS_CHECK_ON_START": False})
        with app.app_context():
            loaded = demo_loaded()
            links = demo_links(f"http://127.0.0.1:{port}")
        if loaded:
            # a user sees the campaigns of their branch and the branches below it
            branches = {code: f"{code} {name_en}" for code, _, name_en, *_ in DEMO_BRANCHES}
            click.echo("Demo logins (user / password / role / branch):")
            for username, password, role, branch in DEMO_USERS:
                click.echo(f"  {username:<12} {password:<20} {role:<9} {branches[branch]}")
        if links:
            click.echo("Participant links (demo tokens, valid 24 h):")
            for name, url in links:
                click.echo(f"  {name}: {url}")
    except Exception as exc:  # the banner must never take the system down
        click.echo(f"(could not list demo logins and links: {exc})")
    click.echo("Press Ctrl-C to stop.")
    click.echo("=" * 72)
    sys.stdout.flush()


@click.command(
    help="Run web (gunicorn), RQ workers with the scheduler and, with no REDIS_URL, Redis."
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="Web port (default STUDIO_PORT)."
)
@click.option("--web-workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--workers", type=click.IntRange(0, 64), default=1, show_default=True)
def up(port: int | None, web_workers: int, workers: int):
    config = load_config()
    port = port or config["STUDIO_PORT"]
    supervisor = Supervisor(config, port, web_workers, workers)
    sys.exit(supervisor.run(on_ready=lambda env: print_banner(port, env)))
