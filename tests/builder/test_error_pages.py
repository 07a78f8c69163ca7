"""Studio errors in the studio's own layout and language, and never a database error or a
traceback on screen: 400, 403, 404 and 500 pages; model forms refused by the database show
the message next to the field."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.models import Branch
from tests.builder.studio import admin_token, sign_in
from tests.factories import make_hq, make_user

LEAKS = ("Traceback", "IntegrityError", "CHECK constraint", "INSERT INTO", "sqlite3", "psycopg")


@pytest.fixture
def admin(db):
    return make_user("admin", branch=make_hq(), username="boss")


def assert_studio_page(page: str, status: int):
    assert f'data-error-page="{status}"' in page
    assert "studio-user" in page  # the studio's navbar: the signed-in user's name
    assert not [leak for leak in LEAKS if leak in page]


@pytest.mark.parametrize(("lang", "title"), [("zh", "页面不存在"), ("en", "Page not found")])
def test_not_found_in_the_studios_layout_and_language(client, admin, lang, title):
    sign_in(client, admin)
    client.get(f"/studio/language/{lang}")
    answer = client.get("/studio/no-such-page")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404 and title in page
    assert_studio_page(page, 404)
    assert "The requested URL was not found" not in page  # Werkzeug's text


def test_forbidden_and_expired_form(client, db, admin):
    marketer = make_user("marketer", branch=make_hq(), username="mia")
    sign_in(client, marketer)
    answer = client.get("/studio/audit/")
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert_studio_page(page, 403)
    assert "您无权打开此页面" in page
    expired = client.post("/studio/notices/read", data={"csrf_token": "stale"})
    assert expired.status_code == 400
    assert "表单已过期" in expired.get_data(as_text=True)


def test_unexpected_errors_show_no_details(app, client, admin):
    def boom():
        raise RuntimeError("secret detail from the code")

    def refused():
        raise IntegrityError("INSERT INTO branches ...", {}, Exception("CHECK constraint failed"))

    app.add_url_rule("/studio/boom", "boom", boom)
    app.add_url_rule("/studio/refused", "refused", refused)
    sign_in(client, admin)
    for url in ("/studio/boom", "/studio/refused"):
        answer = client.get(url)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 500
        assert_studio_page(page, 500)
        assert "secret detail" not in page and "出错了" in page


def field_block(page: str, name: str) -> str:
    """The form group of field `name`: its input and the messages under it."""
    match = re.search(
        rf'<div class="form-group[^"]*">(?:(?!<div class="form-group).)*name="{name}"'
        rf'(?:(?!<div class="form-group).)*',
        page,
        re.S,
    )
    assert match, f"no field {name}"
    return match.group(0)


def branch_form(token: str, **fields) -> dict:
    form = {
        "csrf_token": token,
        "code": "NEW01",
        "name": "新网点",
        "level": "branch",
        "parent": "",
        "approval_levels": "1",
    }
    form.update(fields)
    return form


def test_approval_levels_zero_is_refused_next_to_the_field(client, db, admin):
    hq = make_hq()
    sign_in(client, admin)
    client.get("/studio/language/en")
    token = admin_token(client, "/studio/branches/new/")
    answer = client.post(
        "/studio/branches/new/", data=branch_form(token, parent=str(hq.id), approval_levels="0")
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    block = field_block(page, "approval_levels")
    assert "is-invalid" in block and "between 1 and 5" in block
    assert not [leak for leak in LEAKS if leak in page]
    assert db.session.scalar(select(func.count(Branch.id))) == 1


def test_a_database_refusal_is_a_message_next_to_the_field(client, db, admin, monkeypatch):
    """The form checks what it can (a unique code); a branch created by someone else between
    that check and the commit is refused by the database: the message lands on the field."""
    from builder.views.org import BranchView

    hq = make_hq()
    checked = BranchView.check_change

    def someone_else_creates_it(self, before, after, model):
        checked(self, before, after, model)
        db.session.add(Branch(code="SH001", name="抢先创建", level="branch", parent_id=hq.id))

    monkeypatch.setattr(BranchView, "check_change", someone_else_creates_it)
    sign_in(client, admin)
    client.get("/studio/language/en")
    token = admin_token(client, "/studio/branches/new/")
    answer = client.post(
        "/studio/branches/new/", data=branch_form(token, code="SH001", parent=str(hq.id))
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "This value is already used by another record." in field_block(page, "code")
    assert not [leak for leak in LEAKS if leak in page]
    assert "UNIQUE" not in page and "duplicate key" not in page
    assert db.session.scalar(select(func.count(Branch.id))) == 1  # nothing half-written
