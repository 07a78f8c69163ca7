"""The registry of rule-action handlers: one handler per action of `rules.catalog.ACTIONS`.

The catalogue says which actions exist and types their parameters; this registry says how the
runtime applies each one. A handler is `handler(ctx, **params)` whose keyword parameters are
exactly the catalogue's parameter names, so a parameter is declared once (in the catalogue) and
a handler that disagrees is refused when it is registered. `register()` refuses a duplicate or
a name the catalogue does not know, and `check_complete()` fails when a catalogue action has no
handler: the runtime refuses to start rather than drop an action a published rule relies on.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rules import catalog

if TYPE_CHECKING:
    from runtime.actions import Effects
    from runtime.loader import LiveVersion


class ActionRegistryError(Exception):
    """A handler could not be registered, or an action has no handler."""


class DuplicateAction(ActionRegistryError):
    """Two handlers claimed the same action name."""


class UnknownAction(ActionRegistryError):
    """A handler for a name the catalogue does not define, or a lookup of such a name."""


class MissingHandlers(ActionRegistryError):
    """Catalogue actions without a handler (the runtime refuses to start)."""


@dataclass(frozen=True)
class ActionContext:
    """What every handler works with: the live version, the effects it adds to, the ledger
    source key of this action (unique per request and action) and the request's time."""

    live: LiveVersion
    effects: Effects
    key: str
    now: datetime


ActionHandler = Callable[..., None]


def _handler_params(handler: ActionHandler) -> list[str]:
    params = list(inspect.signature(handler).parameters.values())[1:]
    if any(p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params):
        raise ActionRegistryError(f"{handler.__name__}: parameters must be named, not *args")
    return [p.name for p in params]


class ActionRegistry:
    """Action handlers by catalogue name; registering a name twice raises."""

    def __init__(self) -> None:
        self._handlers: dict[str, ActionHandler] = {}

    def register(self, name: str, handler: ActionHandler) -> ActionHandler:
        spec = catalog.ACTIONS.get(name)
        if spec is None:
            raise UnknownAction(f"{name!r} is not an action of rules.catalog.ACTIONS")
        if name in self._handlers:
            raise DuplicateAction(
                f"action {name!r} is already handled by {self._handlers[name].__name__}"
            )
        expected = [p.name for p in spec.params]
        got = _handler_params(handler)
        if sorted(got) != sorted(expected):
            raise ActionRegistryError(
                f"handler for {name!r} takes {got}; the catalogue declares {expected}"
            )
        self._handlers[name] = handler
        return handler

    def handler(self, name: str) -> ActionHandler:
        try:
            return self._handlers[name]
        except KeyError:
            raise UnknownAction(f"no handler for action {name!r}") from None

    def missing(self) -> list[str]:
        """Catalogue actions without a handler."""
        return [name for name in catalog.ACTIONS if name not in self._handlers]

    def check_complete(self) -> None:
        missing = self.missing()
        if missing:
            raise MissingHandlers(f"rule actions without a runtime handler: {', '.join(missing)}")

    def apply(self, ctx: ActionContext, name: str, params: dict[str, Any]) -> None:
        """Run the handler of `name` with the catalogue-typed `params`."""
        handler = self.handler(name)
        handler(ctx, **catalog.ACTIONS[name].typed(params))

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)
