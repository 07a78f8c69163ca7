"""Runtime test helpers: a valid bundle, a published campaign, channel tokens."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.factories import make_channel, make_hq, make_token


def base_bundle(slug: str = "test-draw", **overrides: Any) -> dict[str, Any]:
    bundle = {
        "format": "campaign-bundle/1",
        "slug": slug,
        "name": "测试抽奖",
        "branch": "HQ",
        "description": "rules",
        "widget": {"type": "lucky_wheel", "config": {}},
        "schedule": {
            "timezone": "Asia/Shanghai",
            "starts_at": "2020-01-01T00:00:00",
            "ends_at": "2099-01-01T00:00:00",
            "windows": [],
        },
        "audience": {"conditions": None, "whitelist": None, "message": "仅限新客户"},
        "chances": {
            "kinds": [{"key": "gold", "name": "金铲子", "initial": 3, "daily": 0}],
            "default_kind": "gold",
        },
        "prizes": [
            {
                "key": "iphone",
                "name": "iPhone",
                "weight": 1,
                "stock": 10,
                "reward": {"kind": "physical"},
            },
            {
                "key": "thanks",
                "name": "谢谢",
                "weight": 1,
                "stock": None,
                "fallback": True,
                "reward": {"kind": "none"},
            },
        ],
        "odds": {"exhausted": "fallback", "guaranteed_first": 0, "boosts": []},
        "limits": {"per_person": {}, "branch_quotas": {}},
        "rules": [],
    }
    for key, value in overrides.items():
        bundle[key] = copy.deepcopy(value)
    return bundle


def publish(bundle: dict[str, Any]):
    from runtime.publishing import create_campaign, publish_campaign

    make_hq()
    campaign = create_campaign(bundle)
    publish_campaign(campaign)
    return campaign


@pytest.fixture
def channel(app):
    return make_channel("bank-app")[0]


@pytest.fixture
def token(channel, db):
    def mint(sub: str = "customer-1", attrs: dict | None = None, ttl: int = 3600) -> str:
        minted = make_token(channel, sub, attrs, ttl)
        db.session.commit()  # release SQLite's write lock for live servers
        return minted

    return mint


def auth(tok: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {tok}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


@pytest.fixture
def server(app, app_config, db):
    """Like tests/conftest.py `live_server`, but waits for slow worker boots (a read timeout
    while workers import is not a failure) and returns the base URL."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    import requests

    from tests.conftest import REPO_ROOT, free_port, server_environment

    processes: list[subprocess.Popen] = []

    def start(workers: int = 3, threads: int = 8, extra_env: dict[str, str] | None = None) -> str:
        db.session.commit()
        port = free_port()
        env = server_environment(app_config)
        env.update(extra_env or {})
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        process = subprocess.Popen(
            [
                gunicorn,
                "wsgi:app",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
            ],
            cwd=REPO_ROOT,
            env=env,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {process.returncode}")
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    # every worker must be up before a burst: poke a few times
                    for _ in range(workers * 2):
                        requests.get(base + "/healthz", timeout=10)
                    return base
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
