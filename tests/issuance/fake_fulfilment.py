"""A fake partner fulfilment endpoint on 127.0.0.1 that records every Idempotency-Key.

It applies each key once (like a well-behaved partner) and counts every delivery, so a test
can tell "applied exactly once" from "delivered at least once". Behaviour per key can be
scripted (timeouts, status codes) to exercise the webhook issuer's retry rules."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from runtime.issuance.issuers.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


class FakeFulfilment:
    def __init__(self, secret: str, fail_ratio: float = 0.0, delay: tuple[float, float] = (0, 0)):
        self.secret = secret
        self.fail_ratio = fail_ratio
        self.delay = delay
        self.lock = threading.Lock()
        self.deliveries: Counter[str] = Counter()
        self.applied: dict[str, dict] = {}
        self.bad_signatures = 0
        self.bad_requests: list[dict] = []  # headers of requests that failed verification
        self.truncated = 0
        self.script: dict[str, list] = {}  # key -> list of "timeout" | status code, consumed
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/fulfil"

    def start(self) -> FakeFulfilment:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_action(self, key: str):
        with self.lock:
            steps = self.script.get(key)
            if steps:
                return steps.pop(0)
        if self.fail_ratio and random.random() < self.fail_ratio:
            return 503
        return None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request (a SIGKILLed worker)
                    with fake.lock:
                        fake.truncated += 1
                    return
                key = self.headers.get("Idempotency-Key", "")
                if not verify(
                    fake.secret,
                    self.headers.get(TIMESTAMP_HEADER, ""),
                    body,
                    self.headers.get(SIGNATURE_HEADER, ""),
                ):
                    with fake.lock:
                        fake.bad_signatures += 1
                        fake.bad_requests.append({**dict(self.headers), "body": body[:200]})
                    return self._answer(401, {"error": "bad signature"})
                if fake.delay[1]:
                    time.sleep(random.uniform(*fake.delay))
                action = fake._next_action(key)
                if action == "timeout":
                    with fake.lock:  # the partner applies it, but answers too late
                        fake.deliveries[key] += 1
                        fake.applied.setdefault(key, json.loads(body))
                    time.sleep(1.5)
                    return self._answer(200, {"reference": f"late-{key}"})
                if isinstance(action, int):
                    with fake.lock:
                        fake.deliveries[key] += 1
                    return self._answer(action, {"error": "scripted"})
                with fake.lock:
                    fake.deliveries[key] += 1
                    fake.applied.setdefault(key, json.loads(body))
                return self._answer(200, {"reference": f"ref-{key}", "message": "ok"})

            def _answer(self, status: int, document: dict):
                data = json.dumps(document).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
