"""The documented limits on every request, checked before any view reads it.

gunicorn refuses what exceeds its own limits with an HTML page the app never sees (431 for a
10 KB token or 150 headers, 400 for a long request line), which broke the problem+json
contract under /api. core/gunicorn_conf.py therefore raises gunicorn's limits above these, and
this hook enforces the project's limits in the app, so the answer goes through core.errors:
problem+json under /api, the usual error page in the studio.

Bodies: `API_MAX_CONTENT_LENGTH` under /api (small JSON documents), `MAX_CONTENT_LENGTH`
elsewhere (studio forms and uploads). A declared Content-Length over the limit is refused
before a byte is read. A chunked body (no Content-Length) is read here, at most one byte past
the limit, and refused when it is longer: Werkzeug alone stops reading AT the limit and hands
the view a silently truncated body.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

MAX_URL_BYTES = 4096  # path and query string
MAX_HEADER_FIELDS = 100  # distinct header fields (repeats of one field are joined into one)
MAX_HEADER_FIELD_BYTES = 8192  # one header field, name and value
API_PREFIX = "/api/"


def _target(environ: dict) -> str:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return raw
    query = environ.get("QUERY_STRING", "")
    return environ.get("PATH_INFO", "") + ("?" + query if query else "")


def _header_fields(environ: dict) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key, value in environ.items()
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
    ]


def check_request_limits() -> None:
    """Refuse a request over the URL, header or declared body limits (before-request hook)."""
    environ = request.environ
    if len(_target(environ)) > MAX_URL_BYTES:
        raise RequestURITooLarge(f"The URL is longer than {MAX_URL_BYTES} bytes.")
    if "\x00" in environ.get("PATH_INFO", "") or "%00" in environ.get("QUERY_STRING", ""):
        raise BadRequest("The URL contains a NUL character.")  # no database stores one
    fields = _header_fields(environ)
    if len(fields) > MAX_HEADER_FIELDS:
        raise RequestHeaderFieldsTooLarge(f"More than {MAX_HEADER_FIELDS} header fields.")
    for key, value in fields:
        if len(key) + len(value) > MAX_HEADER_FIELD_BYTES:
            name = key.removeprefix("HTTP_").replace("_", "-").title()
            raise RequestHeaderFieldsTooLarge(
                f"The {name} header is longer than {MAX_HEADER_FIELD_BYTES} bytes."
            )
    req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    if req.path.startswith(API_PREFIX):
        req.max_content_length = current_app.config["API_MAX_CONTENT_LENGTH"]
    limit = req.max_content_length
    declared = req.content_length
    if limit is None:
        return
    if declared is not None:
        if declared > limit:
            raise RequestEntityTooLarge(f"The body is larger than {limit} bytes.")
    elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        req.max_content_length = limit + 1
        if len(req.get_data(cache=True)) > limit:  # views read the cached body
            raise RequestEntityTooLarge(f"The body is larger than {limit} bytes.")
        req.max_content_length = limit


def init_request_limits(app: Flask) -> None:
    app.before_request(check_request_limits)
