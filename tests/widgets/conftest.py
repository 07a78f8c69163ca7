"""Helpers for widget tests: publish a widget's default bundle and mint participant tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import widgets
from tests.widgets.browser import PHONE


@dataclass(frozen=True)
class Published:
    id: int
    slug: str
    bundle: dict[str, Any]


def ledger(db, query) -> list[Any]:
    """Run a read in a deferred transaction and let go of the connection."""
    from core.db import read_only

    with read_only(db.session):
        rows = list(db.session.execute(query))
    db.session.remove()
    return rows


def widget_bundle(
    widget_type: str, slug: str | None = None, tweak: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    widget = widgets.get(widget_type)
    bundle = widget.default_bundle(
        slug or widget_type.replace("_", "-") + "-test", widget.name_zh, "HQ"
    )
    if tweak:
        tweak(bundle)
    # the rules a changed setting drives follow it, as the studio's settings form makes them
    return widgets.apply_managed(bundle)


@pytest.fixture
def publish(app, db):
    """publish(bundle) -> Campaign: create and publish with the runtime's own functions."""
    from runtime.publishing import create_campaign, publish_campaign
    from tests.factories import make_hq

    make_hq()

    def run(bundle: dict[str, Any]):
        campaign = create_campaign(bundle)
        publish_campaign(campaign)
        db.session.commit()
        return campaign

    return run


@pytest.fixture
def publish_for_server(publish, db):
    """Publish, then release the test's session: outside a request every SQLite transaction
    takes the write lock (core/db.py), which would stall the live server's writes."""

    def run(bundle: dict[str, Any]) -> Published:
        campaign = publish(bundle)
        published = Published(campaign.id, campaign.slug, campaign.draft)
        db.session.remove()
        return published

    return run


@pytest.fixture
def widget_server(live_server):
    """The shared live server; one gunicorn worker is enough for a page test."""

    def start(workers: int = 1, threads: int = 4) -> str:
        return live_server(workers=workers, threads=threads)

    return start


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
