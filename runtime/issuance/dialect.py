"""Small dialect helpers for statements SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model, **values) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns the number of rows inserted (0 or 1)."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(model).values(**values).on_conflict_do_nothing()
    return session.execute(statement).rowcount


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
