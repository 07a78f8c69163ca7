"""Fixtures for issuance tests."""

from __future__ import annotations

import pytest

from tests.issuance.factories import make_campaign, make_participants


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def people(app):
    return make_participants(5)


@pytest.fixture
def issuance_config(app):
    """Fast settings for tests: short backoff and lease."""
    app.config.update(ISSUANCE_BACKOFF_MS="1", ISSUANCE_LEASE_SECONDS="30", ISSUANCE_POLL_MS="50")
    return app.config
