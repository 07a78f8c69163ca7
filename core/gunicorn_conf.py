"""Settings every production gunicorn of the app runs with (`studio up`, bench/draw_load.py):
`gunicorn --config python:core.gunicorn_conf wsgi:app`.

post_worker_init freezes the objects that exist once the app is loaded (~150,000: Flask,
Flask-Admin, SQLAlchemy, marshmallow, the compiled rules...) into the garbage collector's
permanent generation. Without it every full collection walks all of them while the worker's
threads wait: 90-120 ms pauses, three per worker in a 10 s draw bench, which set the draw's
p99 (docs/benchmarks.md). They are never garbage; the collector still sees everything newer.
"""

from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    gc.collect()
    gc.freeze()
