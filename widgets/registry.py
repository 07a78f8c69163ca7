"""The widget registry: explicit type keys, duplicates refused, enabled list from config."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator

from .base import Widget

logger = logging.getLogger(__name__)

# Built-in widgets, in the order the studio lists them: type key -> module under widgets.plugins.
BUILTIN: dict[str, str] = {
    "lucky_wheel": "widgets.plugins.lucky_wheel",
    "scratch_card": "widgets.plugins.scratch_card",
    "nine_grid": "widgets.plugins.nine_grid",
    "treasure_dig": "widgets.plugins.treasure_dig",
    "check_in": "widgets.plugins.check_in",
    "red_packet": "widgets.plugins.red_packet",
    "vote": "widgets.plugins.vote",
    "invite": "widgets.plugins.invite",
    "points_mall": "widgets.plugins.points_mall",
    "task_center": "widgets.plugins.task_center",
}


class DuplicateWidget(ValueError):
    """A second widget tried to register a type key that is already taken."""


class UnknownWidget(KeyError):
    """No registered (or no enabled) widget has this type key."""


class Registry:
    def __init__(self) -> None:
        self._widgets: dict[str, Widget] = {}

    def register(self, widget: Widget) -> Widget:
        key = getattr(widget, "type", None)
        if not isinstance(key, str) or not key:
            raise ValueError(f"{widget!r} declares no type key")
        if key in self._widgets:
            raise DuplicateWidget(f"widget type {key!r} is already registered")
        self._widgets[key] = widget
        return widget

    def get(self, key: str) -> Widget:
        try:
            return self._widgets[key]
        except KeyError:
            raise UnknownWidget(key) from None

    def __contains__(self, key: object) -> bool:
        return key in self._widgets

    def __iter__(self) -> Iterator[Widget]:
        return iter(self._widgets.values())

    def __len__(self) -> int:
        return len(self._widgets)

    def keys(self) -> list[str]:
        return list(self._widgets)

    def enabled(self, names: Iterable[str] | None) -> list[Widget]:
        """Widgets named in `names` (config STUDIO_WIDGETS), in that order; empty means all."""
        names = list(names or [])
        if not names:
            return list(self)
        unknown = [n for n in names if n not in self._widgets]
        if unknown:
            raise UnknownWidget(", ".join(unknown))
        return [self._widgets[n] for n in names]


def builtin_registry() -> Registry:
    """A registry holding the built-in widgets (modules imported on call, not at import)."""
    registry = Registry()
    for key, module_name in BUILTIN.items():
        widget = importlib.import_module(module_name).WIDGET
        if widget.type != key:
            raise ValueError(f"{module_name} declares type {widget.type!r}, expected {key!r}")
        registry.register(widget)
    return registry


_default: Registry | None = None


def default_registry() -> Registry:
    """The process-wide registry of built-in widgets, built on first use."""
    global _default
    if _default is None:
        _default = builtin_registry()
    return _default
