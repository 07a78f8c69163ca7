"""Fixtures for the rules tests."""

from __future__ import annotations

from typing import Any

import pytest
from rules_factory import make_bundle


@pytest.fixture
def bundle() -> dict[str, Any]:
    return make_bundle()
