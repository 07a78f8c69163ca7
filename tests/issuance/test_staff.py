"""Staff points entries (seed 003: credit points for deposits), audited, and their CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.cli import cli, register_commands
from core.models import AuditEntry, PointsAccount, PointsEntry
from runtime.issuance import points
from runtime.issuance.staff import credit_points


def audit_rows(db, action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_staff_credit_is_posted_and_audited(app, db, people):
    pid = people[0].id

    result = credit_points(pid, 200, note=" deposit 8812 ", actor_label="teller-7", valid_days=90)

    entry = db.session.get(PointsEntry, result["entry_id"])
    assert (entry.kind, entry.delta, entry.actor, entry.note) == (
        "staff",
        200,
        "teller-7",
        "deposit 8812",
    )
    assert entry.expires_at - entry.created_at == timedelta(days=90)
    assert points.balance(pid) == 200 and result["balance"] == 200
    account = db.session.scalars(select(PointsAccount)).one()
    assert account.next_expiry_at == entry.expires_at
    [row] = audit_rows(db, "points.credit")
    assert row.actor == "teller-7" and row.object_id == str(entry.id)
    assert row.after["delta"] == 200 and row.after["balance"] == 200


def test_staff_debit_beyond_the_balance_is_refused_unaudited(app, db, people):
    pid = people[0].id
    credit_points(pid, 50, note="deposit", actor_label="teller")

    with pytest.raises(ValueError, match="^amount"):
        credit_points(pid, -80, note="spend", actor_label="teller")

    assert points.balance(pid) == 50
    assert db.session.scalar(select(func.count(PointsEntry.id))) == 1
    assert len(audit_rows(db, "points.credit")) == 1
    credit_points(pid, -50, note="spend", actor_label="teller")
    assert points.balance(pid) == 0


@pytest.mark.parametrize(
    ("amount", "note", "field"),
    [(0, "x", "amount"), (2.5, "x", "amount"), (10, "  ", "note"), (10, "x", "participant_id")],
)
def test_staff_credit_names_the_bad_field(app, db, people, amount, note, field):
    pid = people[0].id if field != "participant_id" else 987654
    with pytest.raises(ValueError, match=f"^{field}"):
        credit_points(pid, amount, note=note, actor_label="teller")
    assert db.session.scalar(select(func.count(PointsEntry.id))) == 0
    assert audit_rows(db, "points.credit") == []


def test_a_repeated_source_key_credits_once(app, db, people):
    pid = people[0].id
    credit_points(pid, 30, note="deposit 1", actor_label="teller", source_key="dep:1")

    with pytest.raises(IntegrityError):
        credit_points(pid, 30, note="deposit 1", actor_label="teller", source_key="dep:1")
    db.session.rollback()

    assert points.balance(pid) == 30


def test_cli_credit_prints_the_entry_and_refuses_bad_input(app, db, runner, people):
    group = register_commands(cli)
    pid = str(people[0].id)

    ok = runner.invoke(
        group,
        ["points", "credit", "--participant-id", pid, "--amount", "40", "--note", "branch deposit"],
    )
    bad = runner.invoke(
        group, ["points", "credit", "--participant-id", pid, "--amount", "-99", "--note", "spend"]
    )

    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["balance"] == 40
    assert bad.exit_code != 0 and "amount" in bad.output
    assert points.balance(people[0].id) == 40
