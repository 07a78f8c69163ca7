"""Security headers on every studio answer: no framing by other sites, and a Content Security
Policy that runs only the studio's own script files and the inline scripts it rendered with
this request's nonce (Flask-Admin marks its scripts with `admin_csp_nonce_attribute`; our
templates use `csp_nonce()`). Styles allow 'unsafe-inline': Flask-Admin and our templates use
style attributes, and a style cannot run script. The studio may frame its own pages (the
campaign preview shows the participant page /c/<slug>); runtime.pages lets /c/ pages be framed
by the same origin only.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from flask import Flask, Response, request

STUDIO_PREFIX = "/studio"
# The only inline event handler our pages carry: Flask-Admin's list filters are links with
# onclick="return false;" (its own script handles the click). Allowed by hash alone, so an
# injected handler with any other code is still refused.
ALLOWED_HANDLERS = ("return false;",)
FRAMED_SUFFIX = "/preview/page"  # the only studio page the studio itself frames
NONCE_KEY = "studio.csp_nonce"  # kept in the request's WSGI environ: it lives exactly as long


def csp_nonce() -> str:
    """This request's script nonce (one per request, created on first use)."""
    nonce = request.environ.get(NONCE_KEY)
    if nonce is None:
        nonce = request.environ[NONCE_KEY] = secrets.token_urlsafe(16)
    return nonce


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


HANDLER_HASHES = " ".join(_sha256(code) for code in ALLOWED_HANDLERS)


def studio_csp(nonce: str | None) -> str:
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    scripts += f" 'unsafe-hashes' {HANDLER_HASHES}"
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    )


def add_studio_headers(response: Response) -> Response:
    if request.path == STUDIO_PREFIX or request.path.startswith(STUDIO_PREFIX + "/"):
        framed = request.path.endswith(FRAMED_SUFFIX)  # the draft's page in the studio preview
        response.headers["X-Frame-Options"] = "SAMEORIGIN" if framed else "DENY"
        csp = studio_csp(request.environ.get(NONCE_KEY))
        if framed:
            csp = csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
    return response


def init_headers(app: Flask) -> None:
    app.after_request(add_studio_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
