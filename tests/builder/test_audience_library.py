"""The audience library through the studio: whitelists and tag segments uploaded as CSV with a
validation report, each upload a new version, all or nothing, scoped to the user's branches."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from core.models import AudienceList, AudienceListVersion, AudienceMember, AuditEntry
from tests.builder.studio import page_token, sign_in
from tests.factories import make_audience_list, make_branch, make_channel, make_hq, make_user


@pytest.fixture
def bank(db):
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海分行")
    bj = make_branch("BJ001", parent=hq, name="北京分行")
    channel, _ = make_channel("bank-app")
    return {
        "hq": hq,
        "sh": sh,
        "bj": bj,
        "channel": channel,
        "marketer": make_user("marketer", branch=sh),
        "hq_marketer": make_user("marketer", branch=hq),
    }


def new_list(client, bank, text: bytes | str, name="VIP 2026", kind="whitelist", branch="sh"):
    client.get("/studio/language/en")
    data = text if isinstance(text, bytes) else text.encode()
    return client.post(
        "/studio/audiences/new",
        data={
            "csrf_token": page_token(client, "/studio/audiences/"),
            "name": name,
            "kind": kind,
            "channel": str(bank["channel"].id),
            "branch": str(bank[branch].id),
            "file": (io.BytesIO(data), "vip.csv"),
        },
        content_type="multipart/form-data",
    )


def members(db, name: str, number: int) -> list[str]:
    return sorted(
        db.session.scalars(
            select(AudienceMember.participant)
            .join(AudienceListVersion, AudienceListVersion.id == AudienceMember.version_id)
            .join(AudienceList, AudienceList.id == AudienceListVersion.list_id)
            .where(AudienceList.name == name, AudienceListVersion.number == number)
        )
    )


def test_a_marketer_uploads_a_whitelist_and_reads_its_report(client, db, bank):
    sign_in(client, bank["marketer"])
    answer = new_list(client, bank, "customer_id,name\nC001,张三\nC002,李四\n\nC001,张三\n")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)

    assert "List VIP 2026 saved as version 1 with 2 customer ids." in page
    assert members(db, "VIP 2026", 1) == ["C001", "C002"]  # other columns are not kept
    version = db.session.scalar(select(AudienceListVersion))
    assert version.report["repeated_lines"] == [{"line": 5, "first": 2}]
    assert version.report["header"] is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audience_list.upload"))
    assert entry.after["size"] == 2 and entry.branch_id == bank["sh"].id
    assert "C001" not in str(entry.after)  # ids are not copied into the audit log


def test_each_refused_line_is_reported_and_nothing_is_saved(client, db, bank):
    sign_in(client, bank["marketer"])
    text = "C001\n" + "X" * 129 + "\nC002\nC\x003\nC004\n"
    answer = new_list(client, bank, text)
    page = answer.get_data(as_text=True)

    assert answer.status_code == 422
    assert re.findall(r'data-refused-line="(\d+)"', page) == ["2", "4"]
    assert "Line 2: longer than 128 characters" in page
    assert "Line 4: contains a control character" in page
    assert "Some lines were refused; nothing was saved." in page
    assert db.session.scalar(select(func.count(AudienceList.id))) == 0
    assert db.session.scalar(select(func.count(AudienceMember.participant))) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "The file has no customer ids."),
        (b"customer_id\n\n \n", "The file has no customer ids."),
        (b"\xff\xfe\x00C", "The file is not UTF-8 text."),
    ],
)
def test_empty_and_unreadable_files_are_refused(client, db, bank, text, message):
    sign_in(client, bank["marketer"])
    answer = new_list(client, bank, text)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AudienceList.id))) == 0


def test_bad_list_settings_are_refused_next_to_the_field(client, db, bank):
    sign_in(client, bank["marketer"])
    new_list(client, bank, "C001\n")
    taken = new_list(client, bank, "C002\n").get_data(as_text=True)
    assert re.search(r'data-field-error="name">A list with this name exists already', taken)
    beyond = new_list(client, bank, "C002\n", name="bj list", branch="bj").get_data(as_text=True)
    assert re.search(r'data-field-error="branch">Choose your own branch', beyond)
    assert db.session.scalar(select(func.count(AudienceList.id))) == 1


def test_every_upload_is_a_new_version_and_old_ones_stay(client, db, bank):
    sign_in(client, bank["marketer"])
    created = new_list(client, bank, "C001\nC002\n")
    list_id = int(created.headers["Location"].rsplit("/", 1)[1])
    answer = client.post(
        f"/studio/audiences/{list_id}/upload",
        data={
            "csrf_token": page_token(client, f"/studio/audiences/{list_id}"),
            "file": (io.BytesIO(b"C003\n"), "v2.csv"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    assert members(db, "VIP 2026", 1) == ["C001", "C002"]
    assert members(db, "VIP 2026", 2) == ["C003"]
    page = client.get(f"/studio/audiences/{list_id}").get_data(as_text=True)
    assert re.findall(r'data-version="(\d+)"', page) == ["2", "1"]


def test_branches_see_their_own_and_their_ancestors_lists(client, db, bank):
    make_audience_list("hq-dormant", ["x"], bank["channel"], bank["hq"], kind="segment")
    bj_list = make_audience_list("bj-vip", ["y"], bank["channel"], bank["bj"])
    hq_list = db.session.scalar(select(AudienceList).where(AudienceList.name == "hq-dormant"))
    sign_in(client, bank["marketer"])

    index = client.get("/studio/audiences/").get_data(as_text=True)
    assert "hq-dormant" in index and "bj-vip" not in index
    assert client.get(f"/studio/audiences/{bj_list.id}").status_code == 404
    # head office's segment is Shanghai's to use, not to replace
    page = client.get(f"/studio/audiences/{hq_list.id}").get_data(as_text=True)
    assert "data-upload-version" not in page
    refused = client.post(
        f"/studio/audiences/{hq_list.id}/upload",
        data={
            "csrf_token": page_token(client, "/studio/audiences/"),
            "file": (io.BytesIO(b"Z\n"), "z.csv"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count(AudienceListVersion.id))) == 2


def test_readers_without_the_right_to_edit_campaigns_do_not_upload(client, db, bank):
    sign_in(client, make_user("auditor", branch=bank["hq"]))
    assert client.get("/studio/audiences/").status_code == 200
    assert "data-new-list" not in client.get("/studio/audiences/").get_data(as_text=True)
    assert new_list(client, bank, "C001\n", branch="hq").status_code == 403
