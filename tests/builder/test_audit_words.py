"""The audit log in words: every action the code writes has a label, rows name their object,
and each field reads with its label and its value as the studio shows it."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from flask_babel import refresh

from builder.audit_words import ACTION_LABELS, OBJECT_LABELS, audit_context, entry_changes
from core import audit
from tests.factories import make_branch, make_hq, make_user

ROOT = Path(__file__).resolve().parents[2]
# audit.record("x.y", "type", ...) and record(f"x.{...}", "type", ...) anywhere in the code
WRITTEN = re.compile(r"""\brecord\(\s*(f?)["']([a-z_{}.]+)["'],\s*(f?)["']([a-z_{}.]+)["']""")


def written_actions() -> list[tuple[str, str]]:
    found = []
    for package in ("core", "runtime", "builder"):
        for path in (ROOT / package).rglob("*.py"):
            for match in WRITTEN.finditer(path.read_text()):
                found.append((match.group(2), match.group(4)))
    return found


def test_every_action_and_object_the_code_writes_has_a_label():
    written = written_actions()
    assert len(written) > 15  # the scan really finds the calls
    for action, object_type in written:
        if "{" in action:  # an f-string: some label must share its fixed prefix
            prefix = action.split("{")[0]
            if prefix:
                assert any(key.startswith(prefix) for key in ACTION_LABELS), action
        else:
            assert action in ACTION_LABELS, action
        if "{" not in object_type:
            assert object_type in OBJECT_LABELS, object_type


def test_rows_name_their_object_when_written(db):
    hq = make_hq()
    user = make_user("marketer", branch=hq, username="mia")
    entry = audit.record("user.login", "user", user.id, actor=user)
    branch = make_branch("SH001", parent=hq, name="上海分行")
    moved = audit.record("branches.update", "branches", branch.id, actor=user)
    assert entry.object_label == "mia" and moved.object_label == "上海分行"


def test_staff_and_branch_fields_read_with_labels_and_names(app, db):
    hq = make_hq()
    region = make_branch("SH001", parent=hq, name="上海分行")
    row = SimpleNamespace(
        before={"role": "marketer", "branch_id": hq.id, "active": True},
        after={"role": "approver", "branch_id": region.id, "active": False},
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        rows = entry_changes(row, "en", audit_context("en"))
    assert rows == [
        ("Role", "Marketer", "Approver"),
        ("Branch", "总行", "上海分行"),
        ("Active", "yes", "no"),
    ]
