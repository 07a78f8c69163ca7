"""Serving participants: the /api/v1 blueprint, hot state in Redis, the ledger and issuance."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime import actions, variables
    from runtime.api import init_api
    from runtime.loader import RuntimeCache
    from runtime.pages import bp as pages_bp

    # every catalogue action has a handler and every variable a supplier, or no start at all
    actions.registry()
    variables.registry()
    app.extensions["runtime_cache"] = RuntimeCache()
    init_api(app)
    app.register_blueprint(pages_bp)
