"""The embedded Redis server and the start-up check of an external one (real servers)."""

import logging
import subprocess
import time

import pytest
import redis

from core import create_app
from core.redis_server import EmbeddedRedis, RedisUnavailable, check_server, redis_executable
from tests.conftest import free_port


@pytest.fixture
def embedded(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def test_embedded_server_persists_and_never_evicts(embedded):
    client = redis.Redis.from_url(embedded.url, decode_responses=True)
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert check_server(client) == []


def test_embedded_server_is_reused_not_duplicated(embedded):
    again = EmbeddedRedis(embedded.directory)
    assert again.start() == embedded.url
    assert again.process is None  # found the running server, started nothing


def test_data_survives_a_kill_thanks_to_aof(embedded):
    """Redis writes the AOF before it replies, so a killed process loses nothing it acknowledged
    (a machine crash could lose up to a second with appendfsync everysec)."""
    client = redis.Redis.from_url(embedded.url)
    client.set("queued-job", "payload")
    embedded.process.kill()  # SIGKILL: no chance to save on the way out
    embedded.process.wait()
    restarted = EmbeddedRedis(embedded.directory)
    restarted.start()
    try:
        assert redis.Redis.from_url(restarted.url).get("queued-job") == b"payload"
    finally:
        restarted.stop()


@pytest.fixture
def risky_server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            redis_executable(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--appendonly",
            "no",
            "--maxmemory-policy",
            "allkeys-lru",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait()


def test_external_server_with_risky_settings_warns_loudly(risky_server, app_config, caplog):
    caplog.set_level(logging.WARNING)
    create_app({**app_config, "REDIS_URL": risky_server})
    risks = [r.getMessage() for r in caplog.records if "REDIS RISK" in r.getMessage()]
    assert any("appendonly" in message for message in risks)
    assert any("noeviction" in message for message in risks)


def test_nobody_answering_is_one_clear_error(app_config):
    with pytest.raises(RedisUnavailable, match="REDIS_URL: no answer"):
        create_app({**app_config, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
