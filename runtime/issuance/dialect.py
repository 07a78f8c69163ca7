"""Small dialect helpers for statements SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignore_statement(session: Session, model):
    """INSERT ... ON CONFLICT DO NOTHING for `model`, to execute with one or many rows."""
    module = postgresql if is_postgres(session) else sqlite
    # The Core table, not the ORM entity: an ORM-enabled INSERT reports rowcount -1.
    return module.insert(model.__table__).on_conflict_do_nothing()


def insert_ignore(session: Session, model, **values) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns the number of rows inserted (0 or 1).
    Counted with RETURNING: psycopg reports rowcount -1 for this statement."""
    statement = insert_ignore_statement(session, model).values(**values)
    return len(session.execute(statement.returning(model.__table__.c.id)).all())
