"""Widget plugins: type key, config schema, default bundle, H5 page template and preview.

Widgets are data plus templates; they never touch the ledger and import neither Flask nor the
database. `get(type)` / `enabled(names)` give the built-in registry, loaded on first use.
"""

from __future__ import annotations

from collections.abc import Iterable

from .base import RUNTIME_ACTIONS, Widget
from .managed import apply_managed, managed_problems
from .registry import DuplicateWidget, Registry, UnknownWidget, default_registry


def get(key: str) -> Widget:
    """The built-in widget with type `key`; raises UnknownWidget."""
    return default_registry().get(key)


def enabled(names: Iterable[str] | None = None) -> list[Widget]:
    """Enabled widgets for config STUDIO_WIDGETS (`names`); empty or None means all."""
    return default_registry().enabled(names)


def validate_widget(widget: object) -> list[dict[str, str]]:
    """Problems ([{path, message}]) with a bundle's `widget` section: type known, config valid."""
    if not isinstance(widget, dict):
        return [{"path": "widget", "message": "Must be an object."}]
    key = widget.get("type")
    if not isinstance(key, str) or key not in default_registry():
        return [{"path": "widget.type", "message": f"Unknown widget type {key!r}."}]
    return get(key).validate_config(widget.get("config", {}))


__all__ = [
    "RUNTIME_ACTIONS",
    "DuplicateWidget",
    "Registry",
    "UnknownWidget",
    "Widget",
    "apply_managed",
    "default_registry",
    "enabled",
    "get",
    "managed_problems",
    "validate_widget",
]
