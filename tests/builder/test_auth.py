"""Studio sign-in, roles and branch scoping: no page without login and the right role and branch."""

import re

import pytest
from sqlalchemy import select

from core.models import AuditEntry, Campaign
from tests.builder import studio
from tests.factories import make_branch, make_hq, make_user

PASSWORD = "password-123"
PAGES = [
    "/studio/",
    "/studio/campaigns/",
    "/studio/versions/",
    "/studio/branches/",
    "/studio/staff/",
    "/studio/channels/",
    "/studio/audit/",
]


def csrf_token(response) -> str:
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)
    )
    assert match, "no CSRF token on the form"
    return match.group(1)


def sign_in(client, user, password=PASSWORD):
    return studio.sign_in(client, user, password)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/studio/login" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which_part(client, db):
    user = make_user("admin")
    response = sign_in(client, user, "not-the-password")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(
        as_text=True
    ) or "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/studio/").status_code == 302


def test_disabled_user_cannot_sign_in(client, db):
    user = make_user("admin")
    user.active = False
    db.session.commit()
    assert sign_in(client, user).status_code == 401


def test_login_is_audited_and_lands_on_home(client, db):
    user = make_user("admin")
    response = sign_in(client, user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/studio/")
    assert client.get("/studio/").status_code == 200
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor == user.username)
    ).all()
    assert "user.login" in actions


def test_next_cannot_redirect_off_site(client, db):
    user = make_user("admin")
    response = studio.sign_in(client, user, next_url="//evil.example/x")
    assert response.headers["Location"].endswith("/studio/")


@pytest.mark.parametrize(
    ("role", "allowed", "forbidden"),
    [
        (
            "marketer",
            ["/studio/", "/studio/campaigns/", "/studio/branches/"],
            ["/studio/staff/", "/studio/audit/", "/studio/channels/"],
        ),
        (
            "auditor",
            ["/studio/audit/", "/studio/campaigns/"],
            ["/studio/staff/", "/studio/channels/"],
        ),
        ("approver", ["/studio/campaigns/"], ["/studio/staff/", "/studio/audit/"]),
        ("admin", PAGES, []),
    ],
)
def test_roles_limit_pages(client, db, role, allowed, forbidden):
    sign_in(client, make_user(role))
    for path in allowed:
        assert client.get(path).status_code == 200, path
    for path in forbidden:
        assert client.get(path).status_code == 403, path


def test_marketer_cannot_create_staff_or_edit_branches(client, db):
    sign_in(client, make_user("marketer"))
    assert client.get("/studio/staff/new/").status_code == 403
    assert client.get("/studio/branches/new/").status_code in (302, 403)


def test_branch_users_only_see_their_subtree(client, db):
    hq = make_hq()
    north = make_branch("NORTH", parent=hq)
    north_sub = make_branch("NORTH-1", level="sub_branch", parent=north)
    south = make_branch("SOUTH", parent=hq)
    for slug, branch in [("north-c", north), ("north-sub-c", north_sub), ("south-c", south)]:
        db.session.add(
            Campaign(
                slug=slug,
                name=slug,
                branch_id=branch.id,
                widget_type="lucky_wheel",
                draft={},
                draft_hash="x",
            )
        )
    db.session.commit()
    south_campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "south-c"))
    sign_in(client, make_user("marketer", branch=north))
    page = client.get("/studio/campaigns/").get_data(as_text=True)
    assert "north-c" in page and "north-sub-c" in page
    assert "south-c" not in page
    assert client.get(f"/studio/campaigns/details/?id={south_campaign.id}").status_code == 404


def test_staff_edit_by_admin_is_audited_with_before_and_after(client, db):
    admin = make_user("admin")
    target = make_user("marketer")
    sign_in(client, admin)
    url = f"/studio/staff/edit/?id={target.id}"
    data = {
        "username": target.username,
        "display_name": "Renamed",
        "role": "marketer",
        "branch": str(target.branch_id),
        "active": "y",
        "locale": "zh",
    }
    assert (
        client.post(url, data=data).status_code == 200
    )  # no CSRF token: refused, form shown again
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.update")) is None
    response = client.post(url, data={**data, "csrf_token": csrf_token(client.get(url))})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.update"))
    assert entry is not None and entry.actor == admin.username
    assert entry.after["display_name"] == "Renamed"
    assert entry.before["display_name"] == target.username


def test_language_switch(client, db):
    sign_in(client, make_user("admin"))
    client.get("/studio/language/en")
    assert "Sign out" in client.get("/studio/").get_data(as_text=True)
    client.get("/studio/language/zh")
    assert "退出" in client.get("/studio/").get_data(as_text=True)


def test_password_guessing_is_rate_limited_per_address(app_config, db):
    from core import create_app

    make_user("approver", username="guessed")
    db.session.close()  # the other app's requests must not wait behind this session

    def attempt(password: str) -> int:
        form = {"username": "guessed", "password": password, "csrf_token": token}
        return limited.post("/studio/login", data=form).status_code

    limited = create_app({**app_config, "RATELIMIT_ENABLED": True}).test_client()
    token = studio.page_token(limited, "/studio/login")
    statuses = [attempt(f"guess-{i}") for i in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    # the right password does not get through while the address is refused
    assert attempt(PASSWORD) == 429
    # the participant API keeps its own counts: not refused for the studio's guesses
    assert limited.get("/api/v1/branches/nearby?lat=31.2&lon=121.5").status_code == 200
