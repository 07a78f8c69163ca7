"""Studio commands for the `studio` CLI: demo data and campaign import/export/validate/simulate.

Bad input never prints a traceback: a file that cannot be read or parsed, or a bundle that is
refused, prints one line naming the file and the first problem and exits with status 1
(`campaign validate` then lists every problem with its path, at most MAX_LISTED of them).
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from builder.campaign_files import (
    BundleFileError,
    dump_bundle,
    export_bundle,
    find_campaign,
    pool_sizes,
    read_bundle,
)
from core.extensions import db

MAX_LISTED = 50


@click.command(help="Load the demo branches, staff, channel and campaigns (idempotent).")
@click.option(
    "--activity/--no-activity",
    default=False,
    help="Also play the new demo campaigns as demo visitors, so reports have figures "
    "(what `make run` does).",
)
@with_appcontext
def demo(activity: bool):
    from builder.demo import load_demo
    from runtime.publishing import CampaignError

    try:
        summary = load_demo()
    except CampaignError as exc:
        db.session.rollback()
        click.echo(f"demo: a demo campaign was refused: {exc.detail}", err=True)
        raise SystemExit(1) from None
    click.echo("demo loaded: " + ", ".join(f"{count} {name}" for name, count in summary.items()))
    if activity:
        from builder.demo_activity import play_demo

        played = play_demo()
        if any(played.values()):
            click.echo("demo activity: " + ", ".join(f"{n} {k}" for k, n in played.items()))


@click.group(help="Campaign bundles: import, export, validate, simulate.")
def campaign():
    pass


def problems_text(problems) -> str:
    lines = [f"  {p['path'] or '(bundle)'}: {p['message']}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
    return "\n".join(lines)


def fail(message: str) -> None:
    """One line on stderr, exit status 1."""
    click.echo(message.replace("\n", " "), err=True)
    raise SystemExit(1)


def read_or_fail(file: str) -> dict:
    try:
        return read_bundle(file)
    except BundleFileError as exc:
        fail(f"error: {exc}")


@campaign.command("validate", help="Check a bundle file; lists every problem with its JSON path.")
@click.argument("file")
def campaign_validate(file: str):
    from runtime.publishing import bundle_problems

    problems = bundle_problems(read_or_fail(file))
    if problems:
        first = problems[0]
        click.echo(
            f"{file}: {len(problems)} problem(s); first: {first['path'] or '(bundle)'}: "
            f"{first['message']}",
            err=True,
        )
        click.echo(problems_text(problems), err=True)
        raise SystemExit(1)
    click.echo(f"{file}: valid")


@campaign.command("import", help="Create a draft campaign from a bundle file (and publish it).")
@click.argument("file")
@click.option("--publish", is_flag=True, help="Publish it as version 1 right away.")
@with_appcontext
def campaign_import(file: str, publish: bool):
    """All or nothing: a refused or failed publication leaves no draft (import_campaign)."""
    from sqlalchemy.exc import SQLAlchemyError

    from runtime.publishing import CampaignError, import_campaign

    bundle = read_or_fail(file)
    try:
        created, version = import_campaign(bundle, publish, note=f"imported from {file}")
    except CampaignError as exc:
        more = (
            f" (and {len(exc.errors) - 1} more; see `studio campaign validate`)"
            if len(exc.errors) > 1
            else ""
        )
        first = exc.errors[0] if exc.errors else {"path": "", "message": exc.detail}
        fail(
            f"{file}: refused, nothing saved: {first['path'] or '(bundle)'}: "
            f"{first['message']}{more}"
        )
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        fail(f"{file}: the database refused the import, nothing saved: {reason}")
    state = f"published as version {version.number}" if version else "saved as a draft"
    click.echo(f"campaign {created.slug} {state}")


@campaign.command("export", help="Print a campaign's published bundle (or its draft) as JSON.")
@click.argument("slug")
@click.option("--draft", is_flag=True, help="Export the working draft instead of the live version.")
@with_appcontext
def campaign_export(slug: str, draft: bool):
    found = find_campaign(slug)
    if found is None:
        raise click.UsageError(f"SLUG: no campaign {slug!r}")
    click.echo(dump_bundle(export_bundle(found, draft)), nl=False)


@campaign.command(
    "simulate", help="Simulate draws: prize distribution, cost against budget, stock-outs."
)
@click.argument("slug")
@click.option("--draws", type=click.IntRange(1, 5_000_000), default=100_000, show_default=True)
@click.option(
    "--per-person",
    type=click.IntRange(1, 10_000),
    default=None,
    help="Draws per simulated participant (default: the chances the campaign gives each "
    "simulated person for what they do; see docs/rules.md).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def campaign_simulate(slug: str, draws: int, per_person: int | None, seed: int, as_json: bool):
    from rules import simulate

    found = find_campaign(slug)
    if found is None:
        raise click.UsageError(f"SLUG: no campaign {slug!r}")
    bundle = export_bundle(found)
    behaviours = [{"draws": per_person}] if per_person else None
    report = simulate(
        bundle, draws=draws, behaviours=behaviours, pools=pool_sizes(bundle), seed=seed
    )
    click.echo(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
        if as_json
        else format_report(report)
    )


def format_report(report) -> str:
    lines = [f"draws: {report.draws}  participants: {report.participants}"]
    for key, count in sorted(report.wins.items(), key=lambda item: -item[1]):
        stockout = report.stockouts.get(key)
        note = f"  stock runs out: {stockout}" if stockout else ""
        awarded = report.awarded.get(key)
        given = f"  ({awarded} by rules)" if awarded else ""
        lines.append(f"  {key:<20} {count:>9}  {report.share(key):>7.2%}{given}{note}")
    if report.no_prize:
        lines.append(f"  {'(no prize)':<20} {report.no_prize:>9}")
    for counter, out in report.limit_outs.items():
        lines.append(f"  {counter} runs out: {out}")
    budget = f" of budget {report.budget:.2f}" if report.budget else ""
    over = "  OVER BUDGET" if report.over_budget else ""
    lines.append(f"expected cost: {report.expected_cost:.2f} {report.currency}{budget}{over}")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(demo)
    group.add_command(campaign)
