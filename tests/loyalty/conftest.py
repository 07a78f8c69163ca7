"""Loyalty tests use the runtime's fixtures (a channel and its participant tokens)."""

from tests.runtime.conftest import channel, token  # noqa: F401
