"""Redis killed -9 under a running app: the API answers 503 problem+json with Retry-After (never
500), /readyz says so, studio pages show a friendly page, and once Redis is back (AOF replayed)
the same app serves again without a restart."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.redis_server import EmbeddedRedis
from tests.factories import make_channel, make_token
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "/api/v1/campaigns/test-draw"


@pytest.fixture
def own_redis(tmp_path):
    server = EmbeddedRedis(tmp_path / "own-redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def outage_app(app_config, own_redis):
    from core import create_app
    from core.extensions import db

    application = create_app({**app_config, "REDIS_URL": own_redis.url, "RATELIMIT_ENABLED": True})
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def kill_9(server: EmbeddedRedis) -> None:
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


def test_redis_away_answers_503_and_the_app_reconnects_by_itself(outage_app, own_redis):
    from core.extensions import db

    publish(base_bundle())
    channel, _ = make_channel("bank-app")
    tok = make_token(channel, "c1")
    db.session.commit()
    client = outage_app.test_client()
    assert client.post(f"{SLUG}/join", headers=auth(tok), json={}).status_code == 200
    assert client.post(f"{SLUG}/draw", headers=auth(tok), json={}).status_code == 200
    db.session.commit()
    time.sleep(1.2)  # appendfsync everysec: what was acknowledged is on disk
    kill_9(own_redis)

    for method, path in (("post", f"{SLUG}/draw"), ("get", SLUG), ("get", f"{SLUG}/me")):
        answer = getattr(client, method)(path, headers=auth(tok, f"k-{path}"), json={})
        assert answer.status_code == 503, (path, answer.get_data(as_text=True))
        assert answer.mimetype == "application/problem+json"
        assert answer.json["code"] == "unavailable"
        assert answer.headers["Retry-After"] == "2"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["redis"] == "unreachable"
    page = client.post("/studio/login", data={"username": "x", "password": "y"})
    assert page.status_code == 503 and "Temporarily unavailable" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)

    restarted = EmbeddedRedis(own_redis.directory)
    restarted.start()  # same directory: the AOF is replayed
    try:
        assert client.get("/readyz").json["checks"]["redis"] == "ok"
        me = client.get(f"{SLUG}/me", headers=auth(tok))
        assert me.status_code == 200 and me.json["draws"] == 1  # hot state survived (AOF)
        again = client.post(f"{SLUG}/draw", headers=auth(tok), json={})
        assert again.status_code == 200, again.json
    finally:
        restarted.stop()
