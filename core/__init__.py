"""Shared ground: the app factory, config, extensions, domain models, audit log and CLI."""

from core.app import create_app

__all__ = ["create_app"]
