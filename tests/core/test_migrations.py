"""Alembic: one head, upgrade to head on an empty database, and the result matches the models."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, create_engine, inspect, text

from core import create_app
from core.models import Base


def script_directory(app):
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_only_single_head_revision_in_migrations(app):
    assert len(script_directory(app).get_heads()) == 1


def fresh_url(app_config, tmp_path):
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def database_objects(engine) -> dict[str, set]:
    """Triggers and CHECK constraints: what autogenerate's comparison does not look at."""
    inspector = inspect(engine)
    checks = {
        (table, check["name"])
        for table in inspector.get_table_names()
        if table != "alembic_version"
        for check in inspector.get_check_constraints(table)
    }
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            triggers = set(
                connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            )
        else:
            triggers = set(
                connection.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
            )
    return {"checks": checks, "triggers": triggers}


def check_values(inspector) -> dict[str, list[str]]:
    """The values each `x IN (...)` CHECK lists (kinds, statuses), from the migrated database
    or, with no inspector, from the models: autogenerate does not compare CHECK texts, so a
    value added to a model (a new reward kind from rules.rewards) without a migration shows."""
    listed = {
        c.name: str(c.sqltext)
        for table in Base.metadata.sorted_tables
        for c in table.constraints
        if isinstance(c, CheckConstraint) and re.search(r"\bIN \(", str(c.sqltext))
    }
    if inspector is not None:
        listed = {
            c["name"]: c["sqltext"]
            for table in Base.metadata.sorted_tables
            for c in inspector.get_check_constraints(table.name)
            if c["name"] in listed
        }
    return {name: sorted(re.findall(r"'([^']*)'", text)) for name, text in listed.items()}


def test_upgrade_to_head_matches_models_and_downgrades(app_config, tmp_path, database_template):
    url = fresh_url(app_config, tmp_path)
    migrated = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            upgrade()
            engine = migrated.extensions["sqlalchemy"].engine
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, Base.metadata) == []
                assert check_values(inspect(connection)) == check_values(None)
                assert (
                    context.get_current_revision() == script_directory(migrated).get_current_head()
                )
            downgrade(revision="base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        if url.startswith("postgresql"):
            # leave the session's schema as the other tests expect it
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            Base.metadata.create_all(engine)
            engine.dispose()


def audit_log_refuses_update(engine) -> bool:
    with engine.connect() as connection:
        try:
            connection.execute(text("UPDATE audit_log SET actor = 'forged'"))
        except Exception:  # the append-only trigger refused
            return True
        finally:
            connection.rollback()
    return False


def test_access_control_migration_keeps_existing_rows(app_config, tmp_path, database_template):
    """0003 on a database with staff and audit rows: every user gets a session nonce of their
    own, older audit rows keep no branch (head office's) and stay append-only, both ways."""
    url = fresh_url(app_config, tmp_path)
    migrated = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            upgrade(revision="0002")
            engine = migrated.extensions["sqlalchemy"].engine
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO branches (id, code, name, level, approval_levels, created_at)"
                        " VALUES (1, 'HQ', 'HQ', 'hq', 1, CURRENT_TIMESTAMP)"
                    )
                )
                for user_id in (1, 2):
                    connection.execute(
                        text(
                            "INSERT INTO users (id, username, password_hash, role, branch_id,"
                            " locale, active, created_at) VALUES (:id, :name, 'x', 'admin', 1,"
                            " 'zh', true, CURRENT_TIMESTAMP)"
                        ),
                        {"id": user_id, "name": f"user{user_id}"},
                    )
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, object_type)"
                        " VALUES (CURRENT_TIMESTAMP, 'system', 'old.row', 'campaign')"
                    )
                )
            upgrade()
            with engine.connect() as connection:
                nonces = connection.scalars(text("SELECT session_nonce FROM users")).all()
                branch = connection.scalar(text("SELECT branch_id FROM audit_log"))
            assert len(set(nonces)) == 2 and all(len(n) == 32 for n in nonces)
            assert branch is None
            assert audit_log_refuses_update(engine)
            downgrade(revision="0002")
            assert audit_log_refuses_update(engine)
            with engine.connect() as connection:
                assert connection.scalar(text("SELECT action FROM audit_log")) == "old.row"
    finally:
        if url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            Base.metadata.create_all(engine)
            engine.dispose()
