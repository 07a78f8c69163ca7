"""Request limits against a real gunicorn with the production settings (core/gunicorn_conf.py):
every refusal under /api is application/problem+json, whether the app refuses (the documented
limits, core/request_limits.py) or gunicorn itself does (beyond its own, higher limits)."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

pytestmark = pytest.mark.slow

PATH = "/api/v1/campaigns/nothing-here"


def raw_request(base: str, head: bytes, body: bytes = b"", timeout: float = 20):
    """Send raw bytes; return (status, headers, parsed JSON body) of the answer."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed before an answer: {data!r}"
            data += chunk
        header_block, rest = data.split(b"\r\n\r\n", 1)
        lines = header_block.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        while len(rest) < length:
            chunk = sock.recv(65536)
            assert chunk, "connection closed in the middle of the answer"
            rest += chunk
    return status, headers, json.loads(rest[:length])


def assert_problem(status, headers, body, expected_status, code):
    assert status == expected_status, body
    assert headers["content-type"].startswith("application/problem+json")
    assert body["status"] == expected_status and body["code"] == code


def test_header_and_url_limits(live_server):
    """The app's documented limits (414/431 from core/request_limits.py), then what exceeds
    gunicorn's own limits (its answers, rewritten as problem+json by core/gunicorn_conf.py)."""
    server = live_server(workers=1, threads=4)
    big = requests.get(server + PATH, headers={"Authorization": "Bearer " + "a" * 10_000})
    assert_problem(big.status_code, big.headers, big.json(), 431, "headers_too_large")
    many = requests.get(server + PATH, headers={f"X-Filler-{i}": "1" for i in range(150)})
    assert_problem(many.status_code, many.headers, many.json(), 431, "headers_too_large")
    long = requests.get(server + PATH + "?q=" + "x" * 5000)
    assert_problem(long.status_code, long.headers, long.json(), 414, "uri_too_long")

    line = b"GET " + PATH.encode() + b"?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert_problem(*raw_request(server, line), 400, "bad_request")
    fields = b"".join(b"X-Filler-%d: 1\r\n" % i for i in range(600))
    head = b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n"
    assert_problem(*raw_request(server, head), 431, "headers_too_large")
    field = b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000
    assert_problem(*raw_request(server, field + b"\r\n\r\n"), 431, "headers_too_large")


def test_body_limits_and_deep_json(live_server):
    from core.accounts import secret_for
    from runtime.auth import sign_event
    from tests.factories import make_channel

    channel, _ = make_channel("bank-app")
    key, secret = channel.key, secret_for(channel)
    server = live_server(workers=1, threads=4)

    # 100 MB declared, only the headers and 1 KB sent: answered without waiting for the body.
    head = (
        b"POST /api/v1/campaigns/x/draw HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"
    )
    assert_problem(*raw_request(server, head, b"[" * 1024), 413, "payload_too_large")

    # Chunked, no Content-Length to refuse up front: refused once it passes the limit.
    head = (
        b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nX-Studio-Channel: %s\r\n"
        b"X-Studio-Timestamp: %d\r\n\r\n" % (key.encode(), int(time.time()))
    )
    chunk = b"x" * 1024
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(70)) + b"0\r\n\r\n"
    assert_problem(*raw_request(server, head, body), 413, "payload_too_large")

    headers = {"Content-Type": "application/json", "Authorization": "Bearer x"}
    deep = "[" * 100_000 + "]" * 100_000
    too_big = requests.post(server + "/api/v1/campaigns/x/draw", data=deep, headers=headers)
    assert_problem(too_big.status_code, too_big.headers, too_big.json(), 413, "payload_too_large")
    body = ("[" * 30_000 + "]" * 30_000).encode()  # under the size limit: was a 500
    stamp = str(int(time.time()))
    signature = "sha256=" + sign_event(secret, stamp, body)
    signed = {"X-Studio-Channel": key, "X-Studio-Timestamp": stamp, "X-Studio-Signature": signature}
    answer = requests.post(server + "/api/v1/events", data=body, headers={**headers, **signed})
    found = answer.json()
    assert_problem(answer.status_code, answer.headers, found, 400, "bad_request")
    assert "Nested deeper than 32 levels" in found["detail"]
