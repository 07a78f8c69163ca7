import pytest
from sqlalchemy import text

from core import create_app


def test_factory_applies_overrides(app_config):
    app = create_app({**app_config, "STUDIO_PORT": 5123})
    assert app.config["STUDIO_PORT"] == 5123
    assert app.config["TESTING"] is True
    assert {"health", "api_campaigns", "admin"} <= set(app.blueprints)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert len(response.headers["X-Request-ID"]) >= 8


def test_request_id_is_echoed_when_sane(client):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abcdef123456"}).headers["X-Request-ID"]
        == "abcdef123456"
    )
    assert (
        client.get("/healthz", headers={"X-Request-ID": "bad id!"}).headers["X-Request-ID"]
        != "bad id!"
    )


def test_readyz_reports_migrations_not_at_head(client):
    # The test schema is built with create_all, so no alembic revision is recorded.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"] == "ok"
    assert response.json["checks"]["migrations"].startswith("not at head")


def test_readyz_ok_at_head(client, db):
    from alembic.script import ScriptDirectory
    from flask import current_app

    head = ScriptDirectory.from_config(
        current_app.extensions["migrate"].migrate.get_config()
    ).get_current_head()
    db.session.execute(
        text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)")
    )
    db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ok"


def test_api_errors_are_problem_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "not_found"
    assert response.json["status"] == 404


def test_unexpected_errors_never_leak_a_trace(app, client):
    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/api/v1/_boom")
    assert response.status_code == 500
    assert response.json["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)


def test_sqlite_pragmas(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas apply to the SQLite leg only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
