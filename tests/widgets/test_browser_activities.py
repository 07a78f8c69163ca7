"""Check-in, vote and invite pages in Debian Chromium against the real app: each action until the
runtime refuses, compared with the ledger, plus a phone-size screenshot."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.models import CheckIn, Lead, Membership, Reward, Vote
from tests.factories import make_channel, make_token
from tests.widgets.browser import check_phone_layout, close_modal, open_page, settle, wait_modal
from tests.widgets.conftest import ledger, widget_bundle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_check_in_once_a_day_with_streak_and_points(publish_for_server, widget_server, phone, db):
    channel, _ = make_channel()
    token = make_token(channel, "browser-check-in")
    campaign = publish_for_server(widget_bundle("check_in"))
    base = widget_server()

    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    assert phone.get_attribute("body", "data-state") == "ready"
    assert phone.locator(".ci-day.bonus[data-day='18']").count() == 1

    phone.click("#ci-button")
    assert "签到成功" in wait_modal(phone)
    close_modal(phone)
    settle(phone)
    rows = ledger(db, select(CheckIn.day, CheckIn.streak).where(CheckIn.campaign_id == campaign.id))
    assert len(rows) == 1 and rows[0].streak == 1
    assert phone.inner_text("#ci-streak") == "1" and phone.inner_text("#ci-total") == "1"
    assert phone.locator(".ci-day.done.today").count() == 1
    points = ledger(
        db, select(Reward.payload).where(Reward.campaign_id == campaign.id, Reward.kind == "points")
    )
    assert [p[0]["amount"] for p in points] in ([10], sorted([10, 1800]))

    phone.click("#ci-button")
    assert "今天已经签过到了" in wait_modal(phone)
    assert phone.get_attribute("body", "data-last-error") == "already_checked_in"
    close_modal(phone)
    assert len(ledger(db, select(CheckIn.id).where(CheckIn.campaign_id == campaign.id))) == 1
    check_phone_layout(phone, "check_in")


def test_check_in_shows_its_own_points_by_their_name_arriving_without_a_reload(
    app, publish_for_server, widget_server, phone, db
):
    """Points of another campaign never show here; a check-in's points read "+10 到账中"
    until the worker credits them, then the balance follows without a reload; a points prize
    is named in 青豆 like the rest of the page."""
    from core.models import Participant
    from runtime.issuance import points
    from runtime.issuance.loop import IssuanceLoop

    today = datetime.now(ZoneInfo("Asia/Shanghai")).day

    def one_draw_of_beans(bundle):
        bundle["widget"]["config"]["bonus_days"] = [1 if today != 1 else 2]  # not today
        bundle["chances"]["kinds"][0]["initial"] = 1
        bundle["prizes"] = [
            {
                "key": "beans",
                "name": "幸运青豆",
                "weight": 1,
                "stock": None,
                "fallback": True,
                "value": 0.1,
                "reward": {"kind": "points", "amount": 10},
            }
        ]

    channel, _ = make_channel()
    token = make_token(channel, "browser-beans")
    other = publish_for_server(widget_bundle("lucky_wheel", slug="other-points"))
    campaign = publish_for_server(widget_bundle("check_in", tweak=one_draw_of_beans))
    base = widget_server()
    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    pid = ledger(db, select(Participant.id).where(Participant.external_id == "browser-beans"))
    points.post(
        db.session,
        participant_id=pid[0][0],
        campaign_id=other.id,
        delta=300,
        kind="staff",
        source_key="other-campaign",
    )
    db.session.commit()
    db.session.remove()
    phone.reload()
    phone.wait_for_selector("body[data-state=ready]")
    settle(phone)
    assert phone.inner_text("#ci-points") == "0"  # the other campaign's 300 are not these
    assert phone.is_hidden("#ci-pending")

    phone.click("#ci-button")
    wait_modal(phone)
    assert phone.inner_text("#modal-body") == "+10 青豆"
    close_modal(phone)
    phone.wait_for_selector("#ci-pending:not([hidden])")
    assert phone.inner_text("#ci-pending") == "+10 到账中"
    assert phone.inner_text("#ci-points") == "0"

    IssuanceLoop(app, kinds=["points"]).run(burst=True)
    db.session.remove()
    expect(phone.locator("#ci-points")).to_have_text("10", timeout=20000)  # no reload
    assert phone.is_hidden("#ci-pending")

    phone.click("#ci-draw")
    title = wait_modal(phone)
    body = phone.inner_text("#modal-body")
    assert title == "您获得 幸运青豆" and body == "参与奖 · 10 青豆"
    close_modal(phone)
    settle(phone)
    mine = phone.inner_text("#my-prizes")
    assert "10 青豆" in mine and "积分" not in mine
    check_phone_layout(phone, "check_in_points")


def test_check_in_page_shows_the_bonus_its_rule_pays_after_a_settings_change(
    publish_for_server, widget_server, phone, db
):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).day

    def bonus_today(bundle):  # what the studio's settings form changes; the rules follow
        bundle["widget"]["config"].update(bonus_days=[today], bonus_points=2000)

    channel, _ = make_channel()
    token = make_token(channel, "browser-bonus")
    campaign = publish_for_server(widget_bundle("check_in", tweak=bonus_today))
    base = widget_server()

    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    assert phone.inner_text("#ci-bonus-points") == "+2000"
    assert "+2000" in phone.inner_text("#ci-perks [data-perk='bonus']")
    assert phone.locator(f".ci-day.bonus.today[data-day='{today}']").count() == 1
    phone.click("#ci-button")
    wait_modal(phone)
    assert "+2010 青豆" in phone.inner_text("#modal-body")  # 10 a day + the 2,000 bonus shown
    close_modal(phone)
    points = ledger(
        db, select(Reward.payload).where(Reward.campaign_id == campaign.id, Reward.kind == "points")
    )
    assert sorted(p[0]["amount"] for p in points) == [10, 2000]
    check_phone_layout(phone, "check_in_bonus")


def test_vote_until_the_daily_limit(publish_for_server, widget_server, phone, db):
    def two_votes(bundle):
        bundle["widget"]["config"]["votes_per_day"] = 2  # the limit rule follows the setting

    channel, _ = make_channel()
    token = make_token(channel, "browser-vote")
    campaign = publish_for_server(widget_bundle("vote", tweak=two_votes))
    base = widget_server()

    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    for candidate in ("c1", "c2"):
        phone.click(f"[data-vote='{candidate}']")
        phone.wait_for_selector(f"body[data-last-vote='{candidate}']")
        settle(phone)
    assert phone.inner_text("#votes-left") == "0"
    votes = ledger(db, select(Vote.candidate).where(Vote.campaign_id == campaign.id))
    assert sorted(v[0] for v in votes) == ["c1", "c2"]

    phone.click("[data-vote='c3']")
    assert "今日投票次数已用完" in wait_modal(phone)  # the marketer's deny message
    close_modal(phone)
    phone.click("[data-vote='c1']")
    wait_modal(phone)
    assert phone.get_attribute("body", "data-last-error") in ("already_voted", "denied")
    close_modal(phone)
    assert len(ledger(db, select(Vote.id).where(Vote.campaign_id == campaign.id))) == 2
    check_phone_layout(phone, "vote")


def test_vote_page_offers_what_its_rules_promise_and_votes_left_agree_with_candidates(
    publish_for_server, widget_server, phone, db
):
    """Seed 000's contest: 3 votes a day but one per candidate a day and two candidates, so two
    votes; each vote earns a lucky draw (a button to use it); a lead earns 50 points (a form)."""
    from rules.templates import load_template

    bundle = load_template("pingan_vote_invite")
    bundle["schedule"].update(starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    channel, _ = make_channel()
    token = make_token(channel, "browser-idol-fan")
    campaign = publish_for_server(bundle)
    base = widget_server()

    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    assert phone.inner_text("#votes-left") == "2"
    assert phone.inner_text("#vote-rule") == "每人每天3票,每位候选人每天限投1票"
    assert phone.is_hidden("#vote-draw") and phone.is_hidden("#vote-note")

    phone.click("[data-vote='c001']")
    phone.wait_for_selector("body[data-last-vote='c001']")
    settle(phone)
    assert phone.inner_text("#votes-left") == "1"
    phone.wait_for_selector("#vote-draw:not([hidden])")
    assert phone.inner_text("#vote-chances") == "1"
    phone.click("[data-vote='c002']")
    phone.wait_for_selector("body[data-last-vote='c002']")
    settle(phone)
    assert phone.inner_text("#votes-left") == "0"  # both candidates have my vote today
    assert phone.inner_text("#vote-note") == "今天已为全部候选人投票,明天再来吧"
    assert phone.inner_text("#vote-chances") == "2"

    phone.click("#vote-draw")
    wait_modal(phone)
    assert phone.get_attribute("body", "data-last-outcome") in ("prize", "consolation")
    close_modal(phone)
    settle(phone)
    assert phone.inner_text("#vote-chances") == "1"

    assert phone.inner_text("#lead-earns") == "提交即得 50 积分"
    assert phone.inner_text("#lead-consent") == "我已阅读并同意银行客户经理就本活动与您联系"
    phone.fill("input[name=name]", "韩梅梅")
    phone.fill("input[name=phone]", "13900139000")
    phone.click("#lead-form button[type=submit]")
    assert phone.inner_text("#lead-error") == "请先勾选同意银行客户经理就本活动与您联系"
    phone.check("input[name=consent_contact]")
    phone.click("#lead-form button[type=submit]")
    phone.wait_for_selector("#lead-done:not([hidden])")
    assert phone.is_hidden("#lead-form")  # sent once: the form gives way to the thanks
    settle(phone)
    check_phone_layout(phone, "vote_pingan")

    assert len(ledger(db, select(Vote.id).where(Vote.campaign_id == campaign.id))) == 2
    assert len(ledger(db, select(Lead.id).where(Lead.campaign_id == campaign.id))) == 1
    paid = ledger(
        db,
        select(Reward.payload).where(Reward.campaign_id == campaign.id, Reward.kind == "points"),
    )
    assert 50 in [p[0]["amount"] for p in paid]


def test_invite_link_referral_progress_draw_and_lead(
    publish_for_server, widget_server, browser, phone, db
):
    from tests.widgets.browser import PHONE

    channel, _ = make_channel()
    inviter = make_token(channel, "browser-inviter")
    friend = make_token(channel, "browser-friend")
    campaign = publish_for_server(widget_bundle("invite"))
    base = widget_server()

    open_page(phone, f"{base}/c/{campaign.slug}#token={inviter}")
    phone.wait_for_function("document.getElementById('invite-code').textContent !== '------'")
    code = phone.inner_text("#invite-code")
    link = phone.inner_text("#invite-link")
    assert link.endswith(f"/c/{campaign.slug}?ref={code}") and "token" not in link
    assert phone.inner_text("#invited-count") == "0" and phone.is_hidden("#invite-draw")

    context = browser.new_context(**PHONE)
    try:
        other = context.new_page()
        open_page(other, f"{link}#token={friend}")
        other.wait_for_load_state("networkidle")
        other.fill("input[name=name]", "李雷")
        other.fill("input[name=phone]", "12")
        other.click("#lead-form button[type=submit]")
        assert other.inner_text("#lead-error") == "请输入正确的手机号"
        other.fill("input[name=phone]", "13800138000")
        assert other.inner_text("#lead-consent") == "我已阅读并同意银行客户经理就本活动与您联系"
        other.click("#lead-form button[type=submit]")  # the box must be ticked
        assert other.inner_text("#lead-error") == "请先勾选同意银行客户经理就本活动与您联系"
        other.check("input[name=consent_contact]")
        other.click("#lead-form button[type=submit]")
        other.wait_for_selector("#lead-done:not([hidden])")
    finally:
        context.close()
    members = ledger(
        db,
        select(Membership.participant_id, Membership.referred_by_id).where(
            Membership.campaign_id == campaign.id
        ),
    )
    assert sum(1 for m in members if m.referred_by_id) == 1
    leads = ledger(db, select(Lead.fields).where(Lead.campaign_id == campaign.id))
    assert len(leads) == 1

    phone.reload()
    phone.wait_for_selector("body[data-state=ready]")
    settle(phone)
    phone.click("#invite-draw")
    title = wait_modal(phone)
    key = phone.get_attribute("body", "data-last-prize")
    prize = next(p for p in campaign.bundle["prizes"] if p["key"] == key)
    outcome = phone.get_attribute("body", "data-last-outcome")
    assert outcome == ("consolation" if prize.get("fallback") else "prize")
    assert title.endswith(prize["name"])  # a consolation prize is shown as a prize too
    close_modal(phone)
    settle(phone)
    assert phone.is_hidden("#invite-draw")
    check_phone_layout(phone, "invite")
    from core.models import Draw

    draws = ledger(db, select(Draw.prize_key).where(Draw.campaign_id == campaign.id))
    assert [d[0] for d in draws] == [key]
