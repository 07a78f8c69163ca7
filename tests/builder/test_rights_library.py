"""The rights library through the studio, as operators and marketers use it: rights of every
kind with their fields checked by the kind, coupon rights with their pool, codes left and a
low-stock alert (list, pools page, operator's home), scoping by branch, hundreds of rights."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from builder.rights import right_reward
from core.models import AuditEntry, CouponCode, CouponPool, Right
from runtime.issuance import coupons
from tests.builder.studio import admin_token, page_token, sign_in
from tests.factories import make_branch, make_hq, make_user


def field_errors(page: str) -> dict[str, str]:
    """field name -> its first message, as Flask-Admin renders them under the input."""
    found = {}
    for chunk in page.split('<div class="form-group')[1:]:
        field = re.search(r'name="([^"]+)"', chunk)
        message = re.search(r'class="invalid-feedback">\s*<ul[^>]*>\s*<li>([^<]+)</li>', chunk)
        if field and message:
            found[field.group(1)] = message.group(1).strip()
    return found


@pytest.fixture
def bank(db):
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海分行")
    bj = make_branch("BJ001", parent=hq, name="北京分行")
    return {
        "hq": hq,
        "sh": sh,
        "bj": bj,
        "operator": make_user("operator", branch=hq),
        "sh_operator": make_user("operator", branch=sh),
        "marketer": make_user("marketer", branch=sh),
    }


def right_form(client, **fields) -> dict:
    form = {
        "csrf_token": admin_token(client, "/studio/rights/new/"),
        "key": "jd-ecard-50",
        "name": "京东E卡50元",
        "category": "e_card",
        "kind": "coupon_code",
        "r_coupon_code_pool": "jd-ecard-50",
        "r_red_packet_mode": "random",
        "cost": "48.5",
        "valid_days": "30",
        "redemption_limit": "1",
        "message": "请在京东APP绑定使用",
        "low_stock_threshold": "100",
        "active": "y",
    }
    form.update(fields)
    return form


def test_an_operator_adds_a_coupon_right_and_its_pool_is_made(client, db, bank):
    sign_in(client, bank["operator"])
    answer = client.post("/studio/rights/new/", data=right_form(client, branch=str(bank["hq"].id)))
    assert answer.status_code == 302

    right = db.session.scalar(select(Right))
    assert (right.kind, right.config, right.cost, right.valid_days) == (
        "coupon_code",
        {"pool": "jd-ecard-50"},
        48.5,
        30,
    )
    assert right_reward(right) == {
        "kind": "coupon_code",
        "pool": "jd-ecard-50",
        "valid_days": 30,
        "message": "请在京东APP绑定使用",
    }
    pool = db.session.scalar(select(CouponPool))
    assert (pool.key, pool.redemption_limit) == ("jd-ecard-50", 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rights.create"))
    assert entry.after["config"] == {"pool": "jd-ecard-50"} and entry.branch_id == bank["hq"].id


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"r_coupon_code_pool": ""}, "r_coupon_code_pool", "This kind of reward needs this field."),
        ({"r_coupon_code_pool": "Bad Key"}, "r_coupon_code_pool", "Lowercase letters"),
        (
            {"kind": "red_packet", "r_red_packet_min": "5", "r_red_packet_max": "1"},
            "r_red_packet_max",
            "Must not be below the smallest amount.",
        ),
        ({"kind": "webhook", "r_webhook_sku": ""}, "r_webhook_sku", "needs this field"),
        ({"kind": "points"}, "r_points_amount", "needs this field"),
        ({"key": "Not A Key"}, "key", "Lowercase letters"),
        ({"cost": "-1"}, "cost", ""),
        ({"redemption_limit": "0"}, "redemption_limit", ""),
    ],
)
def test_bad_rights_are_refused_next_to_the_field(client, db, bank, fields, field, message):
    sign_in(client, bank["operator"])
    client.get("/studio/language/en")
    form = right_form(client, branch=str(bank["hq"].id), **fields)
    page = client.post("/studio/rights/new/", data=form).get_data(as_text=True)

    errors = field_errors(page)
    assert field in errors, errors
    assert message in errors[field]
    assert db.session.scalar(select(func.count(Right.id))) == 0
    assert db.session.scalar(select(func.count(CouponPool.id))) == 0


def test_a_pool_belongs_to_one_right(client, db, bank):
    sign_in(client, bank["operator"])
    client.get("/studio/language/en")
    client.post("/studio/rights/new/", data=right_form(client, branch=str(bank["hq"].id)))
    page = client.post(
        "/studio/rights/new/",
        data=right_form(client, key="jd-ecard-50b", branch=str(bank["hq"].id)),
    ).get_data(as_text=True)
    assert "Another right already uses this pool." in field_errors(page)["r_coupon_code_pool"]
    assert db.session.scalar(select(func.count(Right.id))) == 1


def test_editing_keeps_the_kind_fields_and_updates_the_pool(client, db, bank):
    sign_in(client, bank["operator"])
    client.post("/studio/rights/new/", data=right_form(client, branch=str(bank["hq"].id)))
    right = db.session.scalar(select(Right))
    page = client.get(f"/studio/rights/edit/?id={right.id}").get_data(as_text=True)
    assert re.search(r'name="r_coupon_code_pool"[^>]*value="jd-ecard-50"', page)
    token = admin_token(client, f"/studio/rights/edit/?id={right.id}")
    form = right_form(client, branch=str(bank["hq"].id), redemption_limit="3", cost="45")
    form["csrf_token"] = token
    assert client.post(f"/studio/rights/edit/?id={right.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(CouponPool)).redemption_limit == 3
    update = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rights.update"))
    assert update.before["cost"] == 48.5 and update.after["cost"] == 45.0


def test_branches_see_their_own_and_their_ancestors_rights_and_change_only_their_own(
    client, db, bank
):
    for key, branch in (("hq-phone-10", "hq"), ("sh-fuel-100", "sh"), ("bj-video-30", "bj")):
        db.session.add(Right(key=key, name=key, kind="none", config={}, branch_id=bank[branch].id))
    db.session.commit()
    sign_in(client, bank["sh_operator"])
    page = client.get("/studio/rights/").get_data(as_text=True)
    assert "hq-phone-10" in page and "sh-fuel-100" in page and "bj-video-30" not in page

    bj_right = db.session.scalar(select(Right).where(Right.key == "bj-video-30"))
    assert client.get(f"/studio/rights/details/?id={bj_right.id}").status_code == 404
    hq_right = db.session.scalar(select(Right).where(Right.key == "hq-phone-10"))
    form = right_form(client, key="hq-phone-10", kind="none", branch=str(bank["sh"].id))
    form["csrf_token"] = admin_token(client, f"/studio/rights/edit/?id={hq_right.id}")
    client.post(f"/studio/rights/edit/?id={hq_right.id}", data=form)
    db.session.expire_all()
    assert db.session.get(Right, hq_right.id).branch_id == bank["hq"].id  # refused


def test_marketers_read_the_library_but_do_not_change_it(client, db, bank):
    sign_in(client, bank["marketer"])
    assert client.get("/studio/rights/").status_code == 200
    assert client.get("/studio/rights/new/").status_code in (302, 403)


def test_hundreds_of_rights_are_paged_searched_and_filtered(client, db, bank):
    categories = ("phone_credit", "mobile_data", "e_card", "fuel_card", "video_membership")
    db.session.add_all(
        Right(
            key=f"right-{n:03d}",
            name=f"权益{n:03d}",
            category=categories[n % 5],
            kind="webhook",
            config={"sku": f"SKU-{n}"},
            branch_id=bank["hq"].id,
        )
        for n in range(300)
    )
    db.session.commit()
    sign_in(client, bank["operator"])

    first = client.get("/studio/rights/").get_data(as_text=True)
    assert len(re.findall(r"right-\d{3}", first)) >= 50 and "right-299" not in first
    found = client.get("/studio/rights/?search=权益123").get_data(as_text=True)
    assert "right-123" in found and "right-124" not in found
    fuel = client.get("/studio/rights/?flt0_0=fuel_card").get_data(as_text=True)
    assert "right-003" in fuel and "right-004" not in fuel


def coupon_right(db, bank, codes: int, threshold: int = 5) -> Right:
    right = Right(
        key="phone-10",
        name="话费10元",
        category="phone_credit",
        kind="coupon_code",
        config={"pool": "phone-10"},
        low_stock_threshold=threshold,
        branch_id=bank["hq"].id,
    )
    db.session.add(right)
    if codes:
        coupons.upload_codes(db.session, "phone-10", "\n".join(f"C{i}" for i in range(codes)))
    else:
        db.session.add(CouponPool(key="phone-10", name="话费10元"))
    db.session.commit()
    return right


def test_low_stock_is_shown_in_the_library_the_pools_page_and_the_operator_home(client, db, bank):
    coupon_right(db, bank, codes=3, threshold=5)
    sign_in(client, bank["operator"])

    assert 'data-low-stock="phone-10"' in client.get("/studio/rights/").get_data(as_text=True)
    assert "3 / 3" in client.get("/studio/rights/").get_data(as_text=True)
    pools = client.get("/studio/rewards/coupons").get_data(as_text=True)
    assert 'data-low-stock="phone-10"' in pools
    assert 'data-low-stock="phone-10"' in client.get("/studio/").get_data(as_text=True)

    # the operator uploads more codes: the alert goes
    client.post(
        "/studio/rewards/coupons",
        data={
            "csrf_token": page_token(client, "/studio/rewards/coupons"),
            "pool": "phone-10",
            "file": (io.BytesIO("\n".join(f"D{i}" for i in range(10)).encode()), "c.csv"),
        },
        content_type="multipart/form-data",
    )
    assert db.session.scalar(select(func.count(CouponCode.id))) == 13
    assert "data-low-stock" not in client.get("/studio/").get_data(as_text=True)
    assert "13 / 13" in client.get("/studio/rights/").get_data(as_text=True)


def test_low_stock_alerts_go_to_those_who_upload_codes(client, db, bank):
    coupon_right(db, bank, codes=0, threshold=5)
    sign_in(client, make_user("marketer", branch=bank["hq"]))
    assert "data-low-stock" not in client.get("/studio/").get_data(as_text=True)
    sign_in(client, bank["sh_operator"])  # head office's right is head office's to refill
    assert "data-low-stock" not in client.get("/studio/").get_data(as_text=True)


def pool_upload(client, pool: str, text: str | bytes) -> tuple[int, str]:
    data = text if isinstance(text, bytes) else text.encode()
    answer = client.post(
        "/studio/rewards/coupons",
        data={
            "csrf_token": page_token(client, "/studio/rewards/coupons"),
            "pool": pool,
            "file": (io.BytesIO(data), "codes.csv"),
        },
        content_type="multipart/form-data",
    )
    return answer.status_code, answer.get_data(as_text=True)


def test_code_uploads_list_each_refused_line_and_write_nothing(client, db, bank):
    sign_in(client, bank["operator"])
    client.get("/studio/language/en")
    text = "code\nOK-1\n" + "X" * 129 + "\nOK-2\nBAD\x07\n"
    status, page = pool_upload(client, "phone-10", text)

    assert status == 422
    assert re.findall(r'data-refused-line="(\d+)"', page) == ["3", "5"]
    assert "Line 3: longer than 128 characters" in page
    assert "Line 5: contains a control character" in page
    assert db.session.scalar(select(func.count(CouponCode.id))) == 0
    assert db.session.scalar(select(func.count(CouponPool.id))) == 0


@pytest.mark.parametrize(
    ("pool", "text", "field", "message"),
    [
        ("phone-10", "", "file", "The file has no codes."),
        ("phone-10", "code\n\n", "file", "The file has no codes."),
        ("Phone 10", "A1", "pool", "A pool key is 1 to 64 lowercase letters"),
        ("话费", "A1", "pool", "A pool key is 1 to 64 lowercase letters"),
        ("phone-10", b"\xff\xfe\x00A", "file", "The file is not UTF-8 text."),
    ],
)
def test_code_uploads_refuse_empty_files_and_bad_pool_keys(
    client, db, bank, pool, text, field, message
):
    sign_in(client, bank["operator"])
    client.get("/studio/language/en")
    status, page = pool_upload(client, pool, text)
    assert status == 422
    assert re.search(rf'data-problem="{field}">[^<]*{re.escape(message)}', page), page[-2000:]
    assert db.session.scalar(select(func.count(CouponPool.id))) == 0
