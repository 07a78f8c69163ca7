"""The participant API under /api/v1 (flask-smorest; OpenAPI 3 at /api/v1/openapi.json).

Every error is problem+json from core.errors; smorest's own JSON error handler is not installed.
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

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


def init_api(app: Flask) -> None:
    from runtime.api import branches, campaigns, events, loyalty, me

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
    for module in (campaigns, me, branches, events, loyalty):
        api.register_blueprint(module.blp)
    app.extensions["runtime_api"] = api
