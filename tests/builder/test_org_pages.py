"""Organisation in the studio: branches with coordinates (found by "nearby branches") and a
parent chosen by name, channels created and their secrets rotated (shown once, audited; old
tokens stop working), and new staff accounts starting with the least privileged role."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.models import AuditEntry, Branch, Channel, User
from core.roles import least_privileged
from tests.builder.studio import admin_token, page_token, sign_in
from tests.factories import make_branch, make_channel, make_hq, make_token, make_user
from tests.runtime.conftest import auth, base_bundle, publish


@pytest.fixture
def bank(db):
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海分行", name_en="Shanghai Branch")
    bj = make_branch("BJ001", parent=hq, name="北京分行")
    return {
        "hq": hq,
        "sh": sh,
        "bj": bj,
        "admin": make_user("admin", branch=hq),
        "sh_admin": make_user("admin", branch=sh),
    }


def branch_form(client, **fields) -> dict:
    form = {
        "csrf_token": admin_token(client, "/studio/branches/new/"),
        "code": "SH001-02",
        "name": "外滩支行",
        "level": "sub_branch",
        "city": "上海",
        "approval_levels": "1",
        "latitude": "31.2400",
        "longitude": "121.4900",
    }
    form.update(fields)
    return form


def test_a_branch_made_in_the_studio_is_found_nearby(client, db, bank):
    sign_in(client, bank["sh_admin"])
    answer = client.post("/studio/branches/new/", data=branch_form(client, parent=bank["sh"].id))
    assert answer.status_code == 302

    created = db.session.scalar(select(Branch).where(Branch.code == "SH001-02"))
    assert (created.latitude, created.longitude, created.parent_id) == (
        31.24,
        121.49,
        bank["sh"].id,
    )
    nearby = client.get("/api/v1/branches/nearby?lat=31.2401&lon=121.4901&limit=1").get_json()
    assert nearby["branches"][0]["code"] == "SH001-02"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"latitude": "91"}, "latitude", "A latitude is between -90 and 90."),
        ({"longitude": "-181"}, "longitude", "A longitude is between -180 and 180."),
        ({"longitude": ""}, "longitude", "Give both latitude and longitude."),
        ({"latitude": ""}, "latitude", "Give both latitude and longitude."),
        ({"latitude": "north"}, "latitude", ""),
    ],
)
def test_bad_coordinates_are_refused_next_to_the_field(client, db, bank, fields, field, message):
    sign_in(client, bank["sh_admin"])
    client.get("/studio/language/en")
    form = branch_form(client, parent=bank["sh"].id, **fields)
    page = client.post("/studio/branches/new/", data=form).get_data(as_text=True)
    chunk = page.split(f'name="{field}"', 1)[1].split('<div class="form-group', 1)[0]
    assert 'class="invalid-feedback"' in chunk and message in chunk
    assert db.session.scalar(select(func.count(Branch.id))) == 3


def test_the_parent_is_chosen_by_name_among_the_user_s_branches(client, db, bank):
    sign_in(client, bank["sh_admin"])
    client.get("/studio/language/en")
    page = client.get("/studio/branches/new/").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="parent"[\s\S]*?</select>', page).group(0)
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select_html)
    assert labels == ["No parent (head office only)", "Shanghai Branch (SH001)"]


def test_new_staff_start_with_the_least_privileged_role(client, db, bank):
    assert least_privileged() == "auditor"  # read-only: changes nothing
    sign_in(client, bank["admin"])
    page = client.get("/studio/staff/new/").get_data(as_text=True)
    role_select = re.search(r'<select[^>]*name="role"[\s\S]*?</select>', page).group(0)
    assert re.findall(r'<option selected value="([^"]+)"', role_select) == ["auditor"]

    # the form as the browser posts it, the preselected role untouched
    form = {
        "csrf_token": admin_token(client, "/studio/staff/new/"),
        "username": "new-hire",
        "role": "auditor",
        "branch": str(bank["sh"].id),
        "active": "y",
        "locale": "zh",
        "new_password": "password-456",
    }
    assert client.post("/studio/staff/new/", data=form).status_code == 302
    assert db.session.scalar(select(User.role).where(User.username == "new-hire")) == "auditor"


def channel_page(client, name):
    token = page_token(client, "/studio/channels/new/")
    return client.post("/studio/channels/new/", data={"csrf_token": token, "name": name})


def test_channels_are_created_and_rotated_in_the_studio(client, db, bank):
    publish(base_bundle("rotation"))
    sign_in(client, bank["admin"])
    created = channel_page(client, "wechat")
    page = created.get_data(as_text=True)
    assert created.headers["Cache-Control"] == "no-store"
    secret = re.search(r"data-channel-secret>([0-9a-f]{64})<", page).group(1)
    channel = db.session.scalar(select(Channel).where(Channel.name == "wechat"))
    old_token = make_token(channel, "customer-1")
    db.session.commit()
    assert client.get("/api/v1/campaigns/rotation/me", headers=auth(old_token)).status_code == 200
    # the secret is not shown again, nor kept in the audit log
    assert secret not in client.get("/studio/channels/").get_data(as_text=True)

    rotated = client.post(
        f"/studio/channels/rotate/{channel.id}",
        data={"csrf_token": page_token(client, "/studio/channels/")},
    )
    new_secret = re.search(r"data-channel-secret>([0-9a-f]{64})<", rotated.get_data(as_text=True))
    assert rotated.headers["Cache-Control"] == "no-store"
    assert new_secret and new_secret.group(1) != secret

    db.session.expire_all()
    channel = db.session.get(Channel, channel.id)
    new_token = make_token(channel, "customer-1")
    db.session.commit()
    assert client.get("/api/v1/campaigns/rotation/me", headers=auth(old_token)).status_code == 401
    assert client.get("/api/v1/campaigns/rotation/me", headers=auth(new_token)).status_code == 200

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "channel").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor) for e in entries] == [
        ("channel.create", bank["admin"].username),
        ("channel.rotate_secret", bank["admin"].username),
    ]
    assert all(
        secret not in str(e.after) and new_secret.group(1) not in str(e.after) for e in entries
    )


def test_channel_names_are_checked(client, db, bank):
    sign_in(client, bank["admin"])
    client.get("/studio/language/en")
    make_channel("bank-app")
    taken = channel_page(client, "bank-app").get_data(as_text=True)
    assert "A channel with this name exists already." in taken
    short = channel_page(client, "x").get_data(as_text=True)
    assert "A channel name has 2 to 64 characters." in short
    assert db.session.scalar(select(func.count(Channel.id))) == 1


def test_only_head_office_manages_the_bank_s_channels(client, db, bank):
    channel, _ = make_channel("bank-app")
    nonce = channel.secret_nonce
    sign_in(client, bank["sh_admin"])
    assert client.get("/studio/channels/new/").status_code == 403
    token = page_token(client, "/studio/channels/")
    assert (
        client.post(f"/studio/channels/rotate/{channel.id}", data={"csrf_token": token}).status_code
        == 403
    )
    assert "data-rotate" not in client.get("/studio/channels/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).secret_nonce == nonce
    sign_in(client, make_user("marketer", branch=bank["hq"]))
    assert client.get("/studio/channels/new/").status_code == 403
