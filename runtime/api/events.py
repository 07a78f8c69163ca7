"""Server-to-server events, HMAC-signed by the channel (see runtime/auth.py and docs/api.md).

The signature is checked before the body is parsed: an unsigned caller learns nothing about
what the body should hold (no 422 with field details) and costs no JSON parsing.
"""

from __future__ import annotations

import functools

from flask import request
from werkzeug.exceptions import UnprocessableEntity

from runtime.api import schemas as s
from runtime.api.limits import rate_limited
from runtime.api.parsing import ApiBlueprint
from runtime.api.problems import handle_unprocessable
from runtime.auth import verify_event_signature
from runtime.events import accept_event

blp = ApiBlueprint("api_events", __name__, url_prefix="/api/v1", description="Server events")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
rate_limited(blp, "ip")

SIGNATURE_HEADERS = [
    {"in": "header", "name": n, "required": True, "schema": {"type": "string"}}
    for n in ("X-Studio-Channel", "X-Studio-Timestamp")
]


def signed(view):
    """Verify the HMAC signature over the raw body before @arguments parses it."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request.environ["studio.event_channel"] = verify_event_signature()
        return view(*args, **kwargs)

    return wrapper


@blp.route("/events", methods=["POST"])
@blp.doc(security=[{"eventSignature": []}], parameters=SIGNATURE_HEADERS)
@signed
@blp.arguments(s.EventBody())
@blp.response(200, s.EventResult)
def post_event(body: dict):
    """A transaction or account-opened event; a repeated event_id is acknowledged and ignored."""
    return accept_event(request.environ["studio.event_channel"], body)
