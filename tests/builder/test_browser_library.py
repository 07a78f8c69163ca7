"""The libraries in Chromium, as their users work: an operator adds a right (only the chosen
kind's fields show) and uploads codes (refused lines reported); a marketer uploads a whitelist
(its report), fills a prize from the rights library and names the whitelist in the audience."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from builder.drafts import new_draft
from core.models import AudienceList, Campaign, CouponPool, Right
from runtime.issuance import coupons
from tests.builder.studio_browser import Studio
from tests.factories import make_channel, make_hq, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "password-123"


@pytest.fixture
def world(db):
    hq = make_hq()
    make_user("operator", branch=hq, username="hq-operator")
    marketer = make_user("marketer", branch=hq, username="hq-marketer")
    make_channel("bank-app")
    for key in ("phone-credit-10", "epay-20"):
        db.session.add(CouponPool(key=key, name=key))
    coupons.upload_codes(db.session, "jd-ecard-50", "JD-1\nJD-2\nJD-3\n", name="京东E卡")
    db.session.add(
        Right(
            key="jd-ecard-50",
            name="京东E卡50元",
            name_en="JD e-card 50",
            category="e_card",
            kind="coupon_code",
            config={"pool": "jd-ecard-50"},
            cost=48.5,
            valid_days=30,
            message="请在京东APP绑定",
            low_stock_threshold=5,
            branch_id=hq.id,
        )
    )
    db.session.commit()
    campaign = new_draft(marketer, "widget:lucky_wheel", "library-wheel", "权益转盘")
    return {"campaign_id": campaign.id}


@pytest.fixture
def open_studio(browser, live_server, db, world):
    base = live_server(workers=1, threads=4)
    db.session.remove()
    contexts, errors = [], []

    def start(username: str) -> Studio:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        driver = Studio(page, base)
        driver.sign_in(username, PASSWORD)
        driver.goto("/studio/language/en")
        return driver

    yield start
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def test_operator_adds_a_red_packet_right_seeing_only_its_fields(open_studio, db):
    studio = open_studio("hq-operator")
    studio.goto("/studio/rights/new/")
    page = studio.page
    studio.choose("kind", "red_packet")
    assert page.locator("[name='r_red_packet_min']").is_visible()
    assert not page.locator("[name='r_coupon_code_pool']").is_visible()
    assert not page.locator("[name='r_red_packet_amount']").is_visible()
    studio.choose("r_red_packet_mode", "fixed")
    assert page.locator("[name='r_red_packet_amount']").is_visible()
    assert not page.locator("[name='r_red_packet_min']").is_visible()
    studio.fill("key", "cash-8-88")
    studio.fill("name", "现金红包8.88元")
    studio.choose("category", "cash")
    studio.fill("r_red_packet_amount", "8.88")
    studio.fill("cost", "8.88")
    studio.click_and_wait("input[type=submit]")
    assert "/studio/rights/" in page.url and "cash-8-88" in page.content()

    db.session.remove()
    right = db.session.scalar(select(Right).where(Right.key == "cash-8-88"))
    assert (right.kind, right.config) == ("red_packet", {"mode": "fixed", "amount": 8.88})


def test_operator_uploads_codes_and_reads_the_refused_lines(open_studio, db):
    studio = open_studio("hq-operator")
    studio.goto("/studio/rewards/coupons")
    page = studio.page
    assert page.locator("[data-low-stock='jd-ecard-50']").count() == 1  # 3 left, alert at 5
    studio.fill("pool", "jd-ecard-50")
    page.set_input_files("input[name=file]", csv_file("c.csv", "JD-4\n" + "X" * 200 + "\nJD-5\n"))
    studio.click_and_wait("[data-upload-codes] button")
    assert page.locator("[data-refused-line='2']").inner_text() == (
        "Line 2: longer than 128 characters"
    )
    page.set_input_files("input[name=file]", csv_file("c.csv", "JD-4\nJD-5\nJD-6\n"))
    studio.click_and_wait("[data-upload-codes] button")
    assert page.locator("[data-added]").inner_text() == "3"
    assert page.locator("[data-low-stock='jd-ecard-50']").count() == 0  # 6 left now


def test_marketer_uploads_a_whitelist_then_uses_it_and_a_right(open_studio, db, world):
    studio = open_studio("hq-marketer")
    page = studio.page

    # the audience library: a first file with a bad line, then the corrected one
    studio.goto("/studio/audiences/")
    studio.fill("name", "VIP 2026")
    page.set_input_files("#list-file", csv_file("vip.csv", "customer_id\nC001\nC\x07X\nC002\n"))
    studio.click_and_wait("[data-upload-list]")
    assert page.locator("[data-refused-line='3']").inner_text() == (
        "Line 3: contains a control character"
    )
    page.set_input_files("#list-file", csv_file("vip.csv", "customer_id\nC001\nC002\nC001\n"))
    studio.click_and_wait("[data-upload-list]")
    assert page.locator("[data-version='1']").count() == 1

    # the prize row: pick the right; the row fills itself
    campaign_id = world["campaign_id"]
    studio.goto(f"/studio/campaign/{campaign_id}/edit/prizes")
    studio.choose("prizes-0-right", "jd-ecard-50")
    assert page.input_value("[name='prizes-0-name']") == "京东E卡50元"
    assert page.input_value("[name='prizes-0-name_en']") == "JD e-card 50"
    assert page.input_value("[name='prizes-0-value']") == "48.5"
    assert page.input_value("[name='prizes-0-reward_kind']") == "coupon_code"
    assert page.locator("[name='prizes-0-r_coupon_code_pool']").is_visible()
    assert page.input_value("[name='prizes-0-r_coupon_code_pool']") == "jd-ecard-50"
    assert page.input_value("[name='prizes-0-r_coupon_code_valid_days']") == "30"
    studio.save()

    # the audience: the whitelist by name
    studio.goto(f"/studio/campaign/{campaign_id}/edit/audience")
    studio.choose("whitelist_ref", "VIP 2026")
    studio.save()

    db.session.remove()
    draft = db.session.get(Campaign, campaign_id).draft
    assert draft["prizes"][0]["right"] == "jd-ecard-50"
    assert draft["prizes"][0]["reward"] == {
        "kind": "coupon_code",
        "pool": "jd-ecard-50",
        "valid_days": 30,
        "message": "请在京东APP绑定",
    }
    assert draft["audience"]["whitelist_ref"] == {"name": "VIP 2026", "version": 1}
    assert db.session.scalar(select(AudienceList.kind)) == "whitelist"
