"""The points mall and the task centre in Debian Chromium at phone size (360x640) against the
real app under gunicorn: earn points and badges through server events, spend points, follow
an exchange to its code or its refund, unlock the draw with the third badge."""

from __future__ import annotations

import json
import time

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select, update

from core.models import MallStock, PointsEntry, Reward, TaskCompletion
from runtime.auth import sign_event
from tests.factories import make_channel, make_token
from tests.widgets.browser import check_phone_layout, close_modal, open_page, settle, wait_modal
from tests.widgets.conftest import ledger, widget_bundle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MALL_ITEMS = [
    {
        "key": "credit",
        "name": "10元话费券",
        "price": 100,
        "stock": 5,
        "per_person_limit": 2,
        "valid_days": 30,
        "message": "话费券已到账",
        "reward": {"kind": "coupon_code", "pool": "browser-pool"},
    },
    {
        "key": "video",
        "name": "视频会员",
        "price": 100,
        "choices": [
            {"key": "tencent", "name": "腾讯视频", "reward": {"kind": "none"}},
            {"key": "iqiyi", "name": "爱奇艺", "reward": {"kind": "none"}},
        ],
    },
    {
        "key": "fuel",
        "name": "加油卡",
        "price": 10,
        "stock": 20,
        "max_quantity": 5,
        "unit": "10元",
        "reward": {"kind": "none"},
    },
    {"key": "mug", "name": "保温杯", "price": 50, "stock": 1, "reward": {"kind": "physical"}},
    {"key": "tv", "name": "电视", "price": 5000, "reward": {"kind": "physical"}},
]


def post_event(
    base: str, channel_key: str, secret: str, event_id: str, kind: str, sub: str, **data
):
    raw = json.dumps(
        {"event_id": event_id, "type": kind, "participant": sub, "data": data}
    ).encode()
    stamp = str(int(time.time()))
    headers = {
        "X-Studio-Channel": channel_key,
        "X-Studio-Timestamp": stamp,
        "X-Studio-Signature": "sha256=" + sign_event(secret, stamp, raw),
        "Content-Type": "application/json",
    }
    answer = requests.post(f"{base}/api/v1/events", data=raw, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def issue_all(app, db) -> None:
    from runtime.issuance.loop import IssuanceLoop

    IssuanceLoop(app).run(burst=True)
    db.session.remove()


def reopen(phone) -> None:
    """Load the page again (the token stays in the session, as in the bank's app)."""
    phone.reload()
    phone.wait_for_selector("body[data-state=ready]", timeout=15000)
    settle(phone)


def exchange(phone, item: str, choice: str | None = None, plus: int = 0) -> str:
    phone.click(f'[data-exchange="{item}"]')
    phone.wait_for_selector("#mall-sheet:not([hidden])")
    if choice:
        phone.click(f'[data-choice="{choice}"]')
    for _ in range(plus):
        phone.click("#qty-plus")
    total = phone.inner_text("#sheet-total")
    phone.click("#sheet-confirm")
    return total


def test_the_mall_spends_points_and_shows_each_exchange_to_its_code_or_refund(
    app, publish_for_server, widget_server, phone, db
):
    from runtime.issuance import coupons

    coupons.upload_codes(db.session, "browser-pool", "CODE-ONE\n")
    db.session.commit()

    def tweak(bundle):
        bundle["mall"]["items"] = MALL_ITEMS

    channel, secret = make_channel()
    token, key = make_token(channel, "shopper"), channel.key
    campaign = publish_for_server(widget_bundle("points_mall", tweak=tweak))
    base = widget_server()
    url = f"{base}/c/{campaign.slug}#token={token}"
    open_page(phone, url)
    assert phone.inner_text("#mall-balance") == "0"
    assert phone.inner_text('[data-exchange="credit"]') == "积分不足"

    # a debit card opened at the branch: the task pays 500 points
    post_event(base, key, secret, "open-1", "account_opened", "shopper", account_type="debit_card")
    issue_all(app, db)
    reopen(phone)
    assert phone.inner_text("#mall-balance") == "500"
    card = phone.inner_text('[data-item="credit"]')
    assert "剩余 5" in card and "每人限兑 2" in card and "有效期 30 天" in card
    assert "话费券已到账" in card
    assert "已完成" in phone.inner_text('#mall-tasks [data-task="open-account"]')

    assert exchange(phone, "credit") == "100"
    assert "兑换成功" in wait_modal(phone)
    close_modal(phone)
    settle(phone)
    assert exchange(phone, "video", choice="iqiyi") == "100"
    assert "视频会员 · 爱奇艺" in wait_modal(phone)
    close_modal(phone)
    settle(phone)
    assert exchange(phone, "fuel", plus=2) == "30"  # three parts of a splittable right
    wait_modal(phone)
    close_modal(phone)
    settle(phone)
    assert exchange(phone, "credit") == "100"
    wait_modal(phone)
    close_modal(phone)
    settle(phone)
    assert phone.inner_text("#mall-balance") == "170"
    assert phone.inner_text('[data-exchange="credit"]') == "已达兑换上限"
    assert phone.inner_text('[data-exchange="tv"]') == "积分不足"
    history = phone.locator("#mall-history li.exchange")
    assert history.count() == 4 and "发放中" in history.first.inner_text()

    # someone else takes the last mug meanwhile: the runtime refuses and the page says why
    db.session.execute(update(MallStock).where(MallStock.item_key == "mug").values(taken=1))
    db.session.commit()
    db.session.remove()
    exchange(phone, "mug")
    assert "已兑完" in wait_modal(phone)
    assert phone.get_attribute("body", "data-last-error") == "sold_out"
    close_modal(phone)
    settle(phone)
    assert phone.inner_text('[data-exchange="mug"]') == "已兑完"

    # one code for two phone credits: the second fails for good and its points come back
    db.session.execute(update(Reward).values(max_attempts=1))
    db.session.commit()
    issue_all(app, db)
    reopen(phone)
    statuses = [
        phone.locator("#mall-history li.exchange").nth(i).get_attribute("data-status")
        for i in range(4)
    ]
    assert statuses == ["refunded", "issued", "issued", "issued"]
    assert "积分已退回" in phone.locator("#mall-history li.exchange").first.inner_text()
    assert "兑换码: CODE-ONE" in phone.inner_text("#mall-history")
    assert phone.inner_text("#mall-balance") == "270"
    assert "积分已退回" in phone.inner_text("#my-prizes")
    assert phone.inner_text('[data-exchange="credit"]') == "兑换"  # the refund freed the limit
    refunds = ledger(db, select(PointsEntry.delta).where(PointsEntry.source_key.like("refund:%")))
    assert [r[0] for r in refunds] == [100]
    check_phone_layout(phone, "points_mall")


def test_the_task_centre_lights_badges_and_the_third_unlocks_the_draw(
    publish_for_server, widget_server, phone, db
):
    channel, secret = make_channel()
    token, key = make_token(channel, "kid"), channel.key
    campaign = publish_for_server(widget_bundle("task_center"))
    base = widget_server()
    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    assert phone.inner_text("#tc-count") == "已点亮 0/5"
    assert phone.inner_text("#tc-goal") == "集齐3枚勋章得1次抽奖机会"
    assert phone.is_hidden("#tc-draw")
    assert phone.locator(".tc-badge.lit").count() == 0

    post_event(base, key, secret, "k-1", "account_opened", "kid", account_type="debit_card")
    post_event(base, key, secret, "k-1", "account_opened", "kid", account_type="debit_card")
    post_event(base, key, secret, "k-2", "account_opened", "kid", account_type="mobile_banking")
    reopen(phone)
    assert phone.inner_text("#tc-count") == "已点亮 2/5"
    assert phone.get_attribute("body", "data-badges") == "open-card,mobile-banking"
    assert "已完成" in phone.inner_text('#tc-tasks [data-task="open-card"]')
    assert phone.is_hidden("#tc-draw")

    # the check-in task counts the streak from the page's own button
    phone.click('#tc-tasks [data-task="check-in"] [data-do="check_in"]')
    assert "签到成功" in wait_modal(phone)
    close_modal(phone)
    settle(phone)
    assert "未完成 1/3" in phone.inner_text('#tc-tasks [data-task="check-in"]')

    post_event(
        base,
        key,
        secret,
        "k-3",
        "transaction",
        "kid",
        transaction_type="wealth",
        transaction_amount=2000,
    )
    reopen(phone)
    assert phone.inner_text("#tc-count") == "已点亮 3/5"
    assert phone.locator(".tc-badge.lit").count() == 3
    assert phone.is_visible("#tc-draw") and phone.inner_text("#tc-chances") == "1"
    phone.click("#tc-draw")
    wait_modal(phone)
    assert phone.get_attribute("body", "data-last-outcome") in ("prize", "consolation")
    close_modal(phone)
    settle(phone)
    assert phone.is_hidden("#tc-draw")
    done = ledger(db, select(TaskCompletion.task_key).order_by(TaskCompletion.badge_ordinal))
    assert [r[0] for r in done] == ["open-card", "mobile-banking", "buy-product"]
    check_phone_layout(phone, "task_center")


def test_the_mall_lists_tasks_with_badges_shares_and_says_which_limit_stops_an_exchange(
    app, publish_for_server, widget_server, phone, db
):
    """The mall's 赚积分 list is the task centre's (state, badges, descriptions, the badge
    wall), its share button earns what its rules text promises, a right shows its picture (never
    a script) and a right taken up to today's limit says so."""

    def tweak(bundle):
        bundle["mall"]["items"] = [
            {
                "key": "credit",
                "name": "10元话费券",
                "price": 100,
                "per_person_limit": 5,
                "per_day_limit": 1,
                "image": "/pictures/credit.png",
                "reward": {"kind": "none"},
            },
            {
                "key": "mug",
                "name": "保温杯",
                "price": 5000,
                "reward": {"kind": "physical"},
            },
        ]
        bundle["tasks"][0]["badge"] = {"name": "开卡达人", "icon": "💳"}
        bundle["tasks"][0]["description"] = "在任一网点开立借记卡即可"
        bundle["rules"] = [
            {
                "id": "share-points",
                "trigger": "share",
                "conditions": None,
                "actions": [{"name": "award_points", "params": {"amount": 20}}],
            }
        ]

    channel, secret = make_channel()
    token, key = make_token(channel, "task-shopper"), channel.key
    campaign = publish_for_server(widget_bundle("points_mall", tweak=tweak))
    base = widget_server()
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")

    assert phone.get_attribute('[data-item="credit"] img.mall-item-img', "src") == (
        "/pictures/credit.png"
    )
    assert phone.locator('[data-item="mug"] img').count() == 0  # no picture, no empty frame
    task = phone.locator('#mall-tasks [data-task="open-account"]')
    assert "在任一网点开立借记卡即可" in task.inner_text()
    assert task.locator('[data-earns="badge"]').count() == 1
    assert "未完成" in task.inner_text() and "开立借记卡" in task.inner_text()
    assert phone.inner_text("#tc-count") == "已点亮 0/1"

    post_event(
        base, key, secret, "shop-1", "account_opened", "task-shopper", account_type="debit_card"
    )
    issue_all(app, db)
    reopen(phone)
    assert "已完成" in task.inner_text()
    assert phone.locator(".mall-tasks .tc-badge.lit").count() == 1
    assert phone.inner_text("#tc-count") == "已点亮 1/1"
    assert phone.inner_text("#mall-balance") == "500"

    phone.click(".mall-card [data-share]")
    expect(phone.locator("#toast")).to_have_text("分享成功 +20 积分")
    phone.wait_for_selector("#mall-pending:not([hidden])")
    assert phone.inner_text("#mall-pending") == "+20 到账中"
    issue_all(app, db)
    expect(phone.locator("#mall-balance")).to_have_text("520", timeout=20000)  # no reload
    assert phone.is_hidden("#mall-pending")

    assert exchange(phone, "credit") == "100"
    wait_modal(phone)
    close_modal(phone)
    settle(phone)
    assert phone.inner_text('[data-exchange="credit"]') == "今日已达兑换上限"
    assert phone.inner_text("#mall-balance") == "420"
    check_phone_layout(phone, "points_mall_tasks")
