"""Server-to-server events, HMAC-signed by the channel (see runtime/auth.py and docs/api.md)."""

from __future__ import annotations

from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from runtime.api import schemas as s
from runtime.api.limits import rate_limited
from runtime.api.problems import handle_unprocessable
from runtime.auth import verify_event_signature
from runtime.events import accept_event

blp = Blueprint("api_events", __name__, url_prefix="/api/v1", description="Server events")
blp.register_error_handler(UnprocessableEntity, handle_unprocessable)
rate_limited(blp, "ip")

SIGNATURE_HEADERS = [
    {"in": "header", "name": n, "required": True, "schema": {"type": "string"}}
    for n in ("X-Studio-Channel", "X-Studio-Timestamp")
]


@blp.route("/events", methods=["POST"])
@blp.doc(security=[{"eventSignature": []}], parameters=SIGNATURE_HEADERS)
@blp.arguments(s.EventBody())
@blp.response(200, s.EventResult)
def post_event(body: dict):
    """A transaction or account-opened event; a repeated event_id is acknowledged and ignored."""
    channel = verify_event_signature()
    return accept_event(channel, body)
