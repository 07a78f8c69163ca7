"""The web server `studio up` runs the app with, and its command line (one place: the
supervisor and bench/draw_load.py both build it here).

`STUDIO_WEB_SERVER`: `gunicorn` (default; gthread, the settings of core/gunicorn_conf.py) or
`granian` (a Rust HTTP server calling the WSGI app on a pool of Python threads; measured
against gunicorn in docs/benchmarks.md). Both stop gracefully on SIGTERM: they stop
accepting, let requests in flight finish (up to GRACEFUL_SECONDS), then exit
(tests/runtime/test_graceful_stop.py).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

SERVERS = ("gunicorn", "granian")
GRACEFUL_SECONDS = 10
APP = "wsgi:app"


def argv(
    server: str,
    port: int,
    workers: int,
    threads: int,
    *,
    target: str = APP,
    access_log: bool = False,
    host: str = "127.0.0.1",
) -> list[str]:
    """The command line serving `target` (module:attribute) with `workers` processes x
    `threads` request threads."""
    bin_dir = Path(sys.executable).parent
    if server == "gunicorn":
        return [
            str(bin_dir / "gunicorn"),
            target,
            "--config",
            "python:core.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--graceful-timeout",
            str(GRACEFUL_SECONDS),
            *(["--access-logfile", "-"] if access_log else ["--log-level", "warning"]),
        ]
    if server == "granian":
        factory = target == APP  # the app through production_app (frozen out of full GCs)
        return [
            str(bin_dir / "granian"),
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--http",
            "1",
            "--no-ws",
            "--workers-kill-timeout",
            str(GRACEFUL_SECONDS),
            *(["--access-log"] if access_log else ["--log-level", "warning"]),
            *(["--factory", "core.web_server:production_app"] if factory else [target]),
        ]
    raise ValueError(f"unknown web server {server!r}: one of {', '.join(SERVERS)}")


def production_app():
    """The app as a granian worker serves it: built, then frozen out of the garbage
    collector's full collections (what core/gunicorn_conf.post_worker_init does in gunicorn)."""
    from core import create_app

    app = create_app()
    gc.collect()
    gc.freeze()
    return app
