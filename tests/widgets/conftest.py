"""Helpers for widget tests: publish a widget's default bundle and mint participant tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import widgets


def widget_bundle(widget_type: str, slug: str | None = None,
                  tweak: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    widget = widgets.get(widget_type)
    bundle = widget.default_bundle(slug or widget_type.replace("_", "-") + "-test",
                                   widget.name_zh, "HQ")
    if tweak:
        tweak(bundle)
    return bundle


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
