"""Shared fixtures: a real Redis server, a real database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set) cleaned per test, the app, clients and live servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_lib
import requests
from flask import g
from sqlalchemy import create_engine, text

from core.redis_server import EmbeddedRedis

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-production-0123456789"


def pytest_addoption(parser):
    parser.addoption(
        "--studio-screenshots",
        action="store_true",
        help="write the studio guide's screenshots (docs/images/studio) from the browser tests",
    )


def pytest_configure(config):
    os.environ["STUDIO_ENV"] = "testing"
    os.environ.setdefault("SECRET_KEY", TEST_SECRET_KEY)
    os.environ.setdefault("STUDIO_INSTANCE_PATH", str(Path(config.rootpath) / "instance" / "test"))
    os.environ.pop("DATABASE_URL", None)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """REDIS_URL if given, else an embedded redis-server for this test process."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A schema built once per session: a template SQLite file, or the PostgreSQL schema."""
    from core.models import Base

    pg_url = os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        from core.config import parse_database_url

        url = worker_database(parse_database_url("TEST_DATABASE_URL", pg_url))
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    path = tmp_path_factory.mktemp("db-template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return str(path)


def worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, ...),
    created on first use, so workers never truncate each other's tables."""
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def truncate_postgres(url: str) -> None:
    from core.models import Base

    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    if database_template.startswith("postgresql"):
        truncate_postgres(database_template)
        return database_template
    path = tmp_path / "studio.db"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url, redis_url, tmp_path):
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "STUDIO_ENV": "testing",
        "TESTING": True,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }


def forget_signed_in_user() -> None:
    g.pop("_login_user", None)


@pytest.fixture
def app(app_config):
    from core import create_app
    from core.extensions import db

    application = create_app(app_config)
    application.extensions["redis_store"].client.flushdb()
    # The test keeps one app context open, so `g` outlives each request; in production every
    # request has its own. Forget the signed-in user between requests, so each test client is
    # identified by its own session cookie, as a browser is (no user leaks across clients).
    application.before_request(forget_signed_in_user)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    from core.extensions import db as database

    return database


@pytest.fixture
def redis(app) -> redis_lib.Redis:
    return app.extensions["redis_store"].client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(app_config) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app_config["REDIS_URL"],
        SECRET_KEY=app_config["SECRET_KEY"],
        STUDIO_INSTANCE_PATH=app_config["INSTANCE_PATH"],
        STUDIO_ENV="testing",
    )
    return env


@pytest.fixture
def live_server(app, app_config, db):
    """Factory: serve the app under gunicorn on 127.0.0.1; returns the base URL once every
    worker answers (the test session's pending writes are committed first, so the server
    sees them). Slow worker boots on a loaded machine get up to 60 s."""
    processes: list[subprocess.Popen] = []

    def start(workers: int = 2, threads: int = 4, extra_env: dict[str, str] | None = None) -> str:
        db.session.commit()
        port = free_port()
        env = server_environment(app_config)
        env.update(extra_env or {})
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        process = subprocess.Popen(
            [
                gunicorn,
                "wsgi:app",
                "--config",  # the production settings `studio up` serves with
                "python:core.gunicorn_conf",
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
            except requests.RequestException:  # refused, or a worker still loading the app
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer within 60 s")

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    """One Debian Chromium for the session's browser tests (Playwright, no download)."""
    from playwright.sync_api import sync_playwright

    from tests.widgets.browser import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
