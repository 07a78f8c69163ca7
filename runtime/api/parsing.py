"""How the participant API reads request bodies: JSON only, strictly.

webargs' FlaskParser treats a body whose Content-Type is not JSON as absent (a draw sent as
text/plain ran with the default chance kind) and parses JSON with Python's lenient json module
(NaN, Infinity, duplicate keys, a RecursionError on deep nesting). This parser answers 415
`unsupported_media_type` for a non-empty body that is not `application/json` (or `+json`), and
400 `bad_request` with the path for JSON that rules.json_text refuses. An empty body still
means "no fields" (a draw with the default kind needs no body).
"""

from __future__ import annotations

from typing import Any

from flask import Request
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from core.errors import ApiProblem


class StrictJsonParser(FlaskParser):
    def _raw_load_json(self, req: Request) -> Any:
        from rules.json_text import JSONTextError, loads

        data = req.get_data(cache=True)
        if not data:
            return core.missing
        if not is_json_request(req):
            raise ApiProblem(
                415,
                "unsupported_media_type",
                "Send the request body as JSON with Content-Type: application/json.",
            )
        try:
            return loads(data)
        except JSONTextError as exc:
            raise ApiProblem(
                400,
                "bad_request",
                f"The body is not acceptable JSON: {exc}",
                errors=[{"path": exc.path, "message": exc.message}],
            ) from None


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint whose @arguments read bodies with StrictJsonParser."""

    ARGUMENTS_PARSER = StrictJsonParser()
