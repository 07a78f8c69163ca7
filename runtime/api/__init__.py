"""The participant API under /api/v1 (flask-smorest; OpenAPI 3 at /api/v1/openapi.json).

Every error is problem+json from core.errors; smorest's own JSON error handler is not installed.
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import UnprocessableEntity

from core.errors import problem_response

PROBLEM_JSON = "application/problem+json"


class ProblemApi(Api):
    """flask-smorest with problem+json errors documented and answered by core.errors."""

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        from runtime.api.schemas import ProblemSchema

        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def flatten_messages(messages, path: str = ""):
    """webargs/marshmallow messages -> [{path, message}]."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "headers", "_schema") and not path:
                yield from flatten_messages(value, "" if key in ("json", "_schema") else key)
            else:
                yield from flatten_messages(value, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield {"path": path, "message": message}
    elif isinstance(messages, list):
        for message in messages:
            yield from flatten_messages(message, path)
    else:
        yield {"path": path, "message": str(messages)}


def handle_unprocessable(exc: UnprocessableEntity):
    messages = (getattr(exc, "data", None) or {}).get("messages", {})
    errors = list(flatten_messages(messages)) or [{"path": "", "message": "Invalid request."}]
    detail = "; ".join(f"{e['path'] or '(body)'}: {e['message']}" for e in errors[:5])
    return problem_response(422, "validation_error", detail, errors=errors)


def init_api(app: Flask) -> None:
    from runtime.api import branches, campaigns, events, me

    app.config.setdefault("API_TITLE", "Campaign Studio participant API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                    "eventSignature": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "X-Studio-Signature",
                    },
                }
            },
            "info": {"description": "See docs/api.md."},
        },
    )
    api = ProblemApi(app)
    for module in (campaigns, me, branches, events):
        module.blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
        api.register_blueprint(module.blp)
    app.extensions["runtime_api"] = api
