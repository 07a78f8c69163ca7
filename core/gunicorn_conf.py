"""Settings every production gunicorn of the app runs with (`studio up`, bench/draw_load.py):
`gunicorn --config python:core.gunicorn_conf wsgi:app`.

post_worker_init freezes the objects that exist once the app is loaded (~150,000: Flask,
Flask-Admin, SQLAlchemy, marshmallow, the compiled rules...) into the garbage collector's
permanent generation. Without it every full collection walks all of them while the worker's
threads wait: 90-120 ms pauses, three per worker in a 10 s draw bench, which set the draw's
p99 (docs/benchmarks.md). They are never garbage; the collector still sees everything newer.

Request limits: gunicorn answers a request it refuses itself (request line, headers) with an
HTML page, outside the app's problem+json contract. Its limits are therefore raised here
(the request line to gunicorn's maximum; header fields and their size well above the app's,
while bounding the header buffer a connection can make a worker hold to ~8 MB), and the app
enforces the documented, smaller limits itself (core/request_limits.py). What still exceeds
gunicorn's limits, or fails before the app runs, is answered as problem+json by `write_problem`.
"""

from __future__ import annotations

import gc
import json

limit_request_line = 8190  # gunicorn's maximum (0 would mean unlimited); the app: 4096
limit_request_fields = 500  # the app: 100
limit_request_field_size = 16384  # the app: 8192

_DETAILS = {
    400: "The request is malformed, or its request line or headers exceed what the server accepts.",
    403: "The request is refused.",
    431: "The request's header fields are too many or too large.",
    500: "Something went wrong on our side; please try again.",
    501: "The request's transfer coding is not supported.",
}


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own error answer as application/problem+json (replaces util.write_error;
    `mesg` may quote the client's bytes and is only logged by gunicorn, never echoed)."""
    from gunicorn import util

    from core.errors import GENERIC_CODES, problem_document

    code = GENERIC_CODES.get(status_int, "http_error")
    detail = _DETAILS.get(status_int, reason)
    body = json.dumps(problem_document(status_int, code, detail, reason)).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def post_worker_init(worker) -> None:
    from gunicorn import util

    util.write_error = write_problem
    gc.collect()
    gc.freeze()
