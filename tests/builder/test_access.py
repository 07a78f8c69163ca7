"""Invariant 7, attacked over HTTP as an intruder on the staff of one branch would: nobody grants
a role or reaches a branch beyond their own (staff, branches, campaign moves, published
versions, the audit log)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from builder.drafts import new_draft
from core.models import AuditEntry, Branch, Campaign, User
from core.roles import ROLE_KEYS, grantable_roles
from runtime.publishing import publish_campaign
from tests.builder.studio import admin_token, page_token, sign_in
from tests.factories import make_branch, make_hq, make_user


@pytest.fixture
def bank(db):
    """HQ at the root; SH001 with its sub-branch SH001-1; BJ001 beside SH001."""
    hq = make_hq()
    sh = make_branch("SH001", parent=hq)
    sh_sub = make_branch("SH001-1", level="sub_branch", parent=sh)
    bj = make_branch("BJ001", parent=hq)
    return {"hq": hq, "sh": sh, "sh_sub": sh_sub, "bj": bj}


def options(page: str, name: str) -> set[str]:
    """The values a <select name=...> offers."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select_html, f"no select {name!r} on the page"
    return set(re.findall(r'<option[^>]*value="([^"]*)"', select_html.group(1))) - {"__None"}


def staff_form(token: str, username: str, role: str, branch: Branch, **extra) -> dict:
    return {
        "csrf_token": token,
        "username": username,
        "display_name": username,
        "role": role,
        "branch": str(branch.id),
        "active": "y",
        "locale": "zh",
        **extra,
    }


def branch_form(token: str, branch: Branch | None, parent: Branch | None, **extra) -> dict:
    return {
        "csrf_token": token,
        "code": branch.code if branch else extra.pop("code"),
        "name": branch.name if branch else extra.pop("name", "New branch"),
        "level": branch.level if branch else extra.pop("level", "sub_branch"),
        "parent": str(parent.id) if parent else "__None",
        "approval_levels": str(branch.approval_levels if branch else 1),
        **extra,
    }


# --- staff: no branch admin creates or promotes head-office staff --------------------------


def test_roles_are_granted_only_up_to_the_granters_rank():
    assert set(grantable_roles("admin")) == set(ROLE_KEYS)
    for role in ("marketer", "approver", "auditor", "operator"):
        assert grantable_roles(role) == ()


def test_branch_admin_cannot_create_a_head_office_admin(client, db, bank):
    sign_in(client, make_user("admin", branch=bank["sh"]))
    token = admin_token(client, "/studio/staff/new/")
    form = staff_form(token, "mole", "admin", bank["hq"], new_password="password-123")

    page = client.post("/studio/staff/new/", data=form).get_data(as_text=True)

    assert db.session.scalar(select(User).where(User.username == "mole")) is None
    assert "mole" in page  # the form is shown again, with the refusal
    # the same admin may create staff in their own subtree
    ok = client.post("/studio/staff/new/", data={**form, "branch": str(bank["sh_sub"].id)})
    assert ok.status_code == 302
    created = db.session.scalar(select(User).where(User.username == "mole"))
    assert created.branch_id == bank["sh_sub"].id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.create"))
    assert entry.after["role"] == "admin" and entry.after["branch_id"] == bank["sh_sub"].id
    assert entry.branch_id == bank["sh_sub"].id


def test_branch_admin_cannot_promote_a_user_to_head_office_admin(client, db, bank):
    target = make_user("marketer", branch=bank["sh"])
    sign_in(client, make_user("admin", branch=bank["sh"]))
    url = f"/studio/staff/edit/?id={target.id}"
    form = staff_form(admin_token(client, url), target.username, "admin", bank["hq"])

    client.post(url, data=form)
    client.post(url, data={**form, "branch": str(bank["bj"].id)})

    db.session.expire_all()
    assert (target.role, target.branch_id) == ("marketer", bank["sh"].id)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.update")) is None


def test_staff_form_offers_only_the_subtree_and_grantable_roles(client, db, bank):
    sign_in(client, make_user("admin", branch=bank["sh"]))
    page = client.get("/studio/staff/new/").get_data(as_text=True)
    assert options(page, "branch") == {str(bank["sh"].id), str(bank["sh_sub"].id)}
    assert options(page, "role") == set(grantable_roles("admin"))


def test_branch_admin_cannot_reach_staff_of_another_branch(client, db, bank):
    outsider = make_user("marketer", branch=bank["bj"])
    sign_in(client, make_user("admin", branch=bank["sh"]))
    assert client.get(f"/studio/staff/edit/?id={outsider.id}").status_code == 404
    token = admin_token(client, "/studio/staff/new/")
    form = staff_form(token, outsider.username, "marketer", bank["sh"])
    assert client.post(f"/studio/staff/edit/?id={outsider.id}", data=form).status_code == 404
    db.session.expire_all()
    assert outsider.branch_id == bank["bj"].id


def test_role_change_is_audited_before_and_after_and_ends_the_users_sessions(app, client, db, bank):
    target = make_user("marketer", branch=bank["sh"])
    victim_browser = app.test_client()
    sign_in(victim_browser, target)
    assert victim_browser.get("/studio/campaigns/").status_code == 200
    sign_in(client, make_user("admin", branch=bank["sh"]))
    url = f"/studio/staff/edit/?id={target.id}"
    form = staff_form(admin_token(client, url), target.username, "auditor", bank["sh_sub"])

    assert client.post(url, data=form).status_code == 302

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.update"))
    assert entry.before == {"role": "marketer", "branch_id": bank["sh"].id}
    assert entry.after == {"role": "auditor", "branch_id": bank["sh_sub"].id}
    assert entry.branch_id == bank["sh_sub"].id
    # the old session, with the old role, no longer opens anything
    assert victim_browser.get("/studio/campaigns/").status_code == 302


# --- branches: no cycles, no planting under another subtree, HQ keeps the top ---------------


def make_campaign(db, slug: str, branch: Branch) -> Campaign:
    campaign = Campaign(
        slug=slug,
        name=slug,
        branch_id=branch.id,
        widget_type="lucky_wheel",
        draft={},
        draft_hash="x",
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def test_a_cycle_cannot_hide_a_branch_from_head_office(app, client, db, bank):
    make_campaign(db, "sh-hidden", bank["sh"])
    sign_in(client, make_user("admin", branch=bank["sh"]))
    url = f"/studio/branches/edit/?id={bank['sh'].id}"
    client.post(url, data=branch_form(admin_token(client, url), bank["sh"], bank["sh_sub"]))
    sub_url = f"/studio/branches/edit/?id={bank['sh_sub'].id}"
    client.post(sub_url, data=branch_form(admin_token(client, sub_url), bank["sh_sub"], bank["sh"]))

    db.session.expire_all()
    assert bank["sh"].parent_id == bank["hq"].id and bank["sh_sub"].parent_id == bank["sh"].id
    head_office = app.test_client()
    sign_in(head_office, make_user("admin", branch=bank["hq"]))
    assert "sh-hidden" in head_office.get("/studio/campaigns/").get_data(as_text=True)


def test_head_office_cannot_make_a_cycle_or_a_second_root(client, db, bank):
    sign_in(client, make_user("admin", branch=bank["hq"]))
    url = f"/studio/branches/edit/?id={bank['sh'].id}"
    token = admin_token(client, url)
    client.post(url, data=branch_form(token, bank["sh"], bank["sh_sub"]))
    client.post(url, data=branch_form(token, bank["sh"], None))
    hq_url = f"/studio/branches/edit/?id={bank['hq'].id}"
    client.post(hq_url, data=branch_form(token, bank["hq"], bank["bj"]))
    db.session.expire_all()
    assert bank["sh"].parent_id == bank["hq"].id and bank["hq"].parent_id is None
    # head office does move branches across the tree
    sub_url = f"/studio/branches/edit/?id={bank['sh_sub'].id}"
    assert (
        client.post(sub_url, data=branch_form(token, bank["sh_sub"], bank["bj"])).status_code == 302
    )
    db.session.expire_all()
    assert bank["sh_sub"].parent_id == bank["bj"].id


def test_branch_admin_cannot_plant_or_move_a_branch_into_another_subtree(client, db, bank):
    sign_in(client, make_user("admin", branch=bank["sh"]))
    token = admin_token(client, "/studio/branches/new/")
    planted = branch_form(token, None, bank["bj"], code="SH-SPY", name="spy")
    client.post("/studio/branches/new/", data=planted)
    sub_url = f"/studio/branches/edit/?id={bank['sh_sub'].id}"
    client.post(sub_url, data=branch_form(token, bank["sh_sub"], bank["bj"]))
    client.post(sub_url, data=branch_form(token, bank["sh_sub"], None))

    assert db.session.scalar(select(Branch).where(Branch.code == "SH-SPY")) is None
    db.session.expire_all()
    assert bank["sh_sub"].parent_id == bank["sh"].id
    # the parent select offers the subtree only, and a branch inside it is accepted
    page = client.get("/studio/branches/new/").get_data(as_text=True)
    assert options(page, "parent") == {str(bank["sh"].id), str(bank["sh_sub"].id)}
    inside = branch_form(token, None, bank["sh_sub"], code="SH001-2", name="ok")
    assert client.post("/studio/branches/new/", data=inside).status_code == 302
    created = db.session.scalar(select(Branch).where(Branch.code == "SH001-2"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "branches.create"))
    assert entry.after["parent_id"] == bank["sh_sub"].id and entry.branch_id == created.id


def test_branch_admin_cannot_lower_their_own_branchs_approval_levels(client, db, bank):
    bank["sh"].approval_levels = 3
    db.session.commit()
    sign_in(client, make_user("admin", branch=bank["sh"]))
    url = f"/studio/branches/edit/?id={bank['sh'].id}"
    form = branch_form(admin_token(client, url), bank["sh"], bank["hq"], approval_levels="1")
    client.post(url, data=form)
    db.session.expire_all()
    assert bank["sh"].approval_levels == 3


# --- campaigns: the owning branch moves only inside the editor's subtree --------------------


def test_marketer_cannot_move_a_campaign_to_another_branch(client, db, bank):
    import json

    marketer = make_user("marketer", branch=bank["sh"])
    campaign = new_draft(marketer, "template:qingdao_checkin", "sh-checkin", "签到")
    sign_in(client, marketer)
    url = f"/studio/campaign/{campaign.id}/json"
    bundle = dict(campaign.draft)

    for outside in ("BJ001", "HQ"):
        page = client.post(
            url,
            data={
                "csrf_token": page_token(client, url),
                "bundle": json.dumps({**bundle, "branch": outside}),
            },
        ).get_data(as_text=True)
        assert "branch" in page
        db.session.expire_all()
        assert campaign.branch_id == bank["sh"].id

    moved = client.post(
        url,
        data={
            "csrf_token": page_token(client, url),
            "bundle": json.dumps({**bundle, "branch": "SH001-1"}),
        },
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert campaign.branch_id == bank["sh_sub"].id
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "campaign.update_draft")
    )
    assert entry.before["fields"]["branch"] == "SH001"
    assert entry.after["fields"]["branch"] == "SH001-1"


# --- published versions and the audit log are scoped like campaigns -------------------------


@pytest.fixture
def published(db, bank):
    """A live SH001 campaign whose published snapshot holds a whitelist of customer ids."""
    marketer = make_user("marketer", branch=bank["sh"])
    campaign = new_draft(marketer, "template:qingdao_checkin", "sh-vip", "上海贵宾")
    draft = dict(campaign.draft)
    draft["audience"] = {
        **draft.get("audience", {}),
        "whitelist": ["VIP-SECRET-0001"],
        "whitelist_channel": "sh-app",
    }
    from runtime.publishing import update_draft

    update_draft(campaign, draft, marketer)
    version = publish_campaign(campaign, marketer, note="go")
    return {"campaign": campaign, "version": version}


@pytest.mark.parametrize("role", ["marketer", "operator", "approver"])
def test_other_branch_staff_cannot_read_a_published_version(client, db, bank, published, role):
    sign_in(client, make_user(role, branch=bank["bj"]))
    listing = client.get("/studio/versions/").get_data(as_text=True)
    assert published["version"].content_hash not in listing
    details = client.get(f"/studio/versions/details/?id={published['version'].id}")
    assert details.status_code == 404
    assert "VIP-SECRET-0001" not in details.get_data(as_text=True)


def test_own_branch_and_head_office_read_the_version(app, db, bank, published):
    for branch in (bank["sh"], bank["hq"]):
        browser = app.test_client()
        sign_in(browser, make_user("marketer", branch=branch))
        details = browser.get(f"/studio/versions/details/?id={published['version'].id}")
        assert details.status_code == 302  # a version's details are its own page
        page = browser.get(details.headers["Location"])
        assert page.status_code == 200
        assert published["version"].content_hash in page.get_data(as_text=True)


def test_audit_rows_carry_the_owning_branch(db, bank, published):
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "campaign")).all()
    assert rows and {row.branch_id for row in rows} == {bank["sh"].id}


def test_branch_auditor_reads_only_their_subtrees_audit_rows(app, client, db, bank, published):
    sign_in(client, make_user("auditor", branch=bank["bj"]))
    sh_row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.publish"))

    listing = client.get("/studio/audit/").get_data(as_text=True)
    client.get("/studio/language/en")
    export = client.get("/studio/audit/export/csv/").get_data(as_text=True)

    assert 'data-action="campaign.publish"' not in listing and "Published" not in export
    assert client.get(f"/studio/audit/details/?id={sh_row.id}").status_code == 404
    # SH001's auditor reads the row; head office reads every row, system rows included
    sh_auditor = app.test_client()
    sign_in(sh_auditor, make_user("auditor", branch=bank["sh"]))
    assert 'data-action="campaign.publish"' in sh_auditor.get("/studio/audit/").get_data(
        as_text=True
    )
    hq_auditor = app.test_client()
    sign_in(hq_auditor, make_user("auditor", branch=bank["hq"]))
    hq_auditor.get("/studio/language/en")
    hq_export = hq_auditor.get("/studio/audit/export/csv/").get_data(as_text=True)
    total = db.session.scalar(select(func.count(AuditEntry.id)))
    rows = list(csv.reader(io.StringIO(hq_export)))
    actions = {row[2] for row in rows[1:]}
    assert "Published" in actions and "Staff account created" in actions
    assert len(rows) - 1 == total


def test_an_operator_cannot_fill_another_branchs_code_pool(app, client, db, bank):
    import io

    from core.models import CouponCode, CouponPool

    campaign = make_campaign(db, "sh-coupons", bank["sh"])
    db.session.add(CouponPool(key="sh-pool", name="SH pool", campaign_id=campaign.id))
    db.session.commit()
    sign_in(client, make_user("operator", branch=bank["bj"]))
    url = "/studio/rewards/coupons"
    assert "sh-pool" not in client.get(url).get_data(as_text=True)

    client.post(
        url,
        data={
            "csrf_token": page_token(client, url),
            "pool": "sh-pool",
            "file": (io.BytesIO(b"FAKE-1\nFAKE-2\n"), "codes.csv"),
        },
        content_type="multipart/form-data",
    )

    assert db.session.scalar(select(func.count(CouponCode.id))) == 0
    # SH001's own operator fills it
    own = app.test_client()
    sign_in(own, make_user("operator", branch=bank["sh"]))
    own.post(
        url,
        data={
            "csrf_token": page_token(own, url),
            "pool": "sh-pool",
            "file": (io.BytesIO(b"REAL-1\n"), "codes.csv"),
        },
        content_type="multipart/form-data",
    )
    assert db.session.scalars(select(CouponCode.code)).all() == ["REAL-1"]
