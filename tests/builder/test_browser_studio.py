"""Marketers build the seed campaigns in Chromium through the studio's forms, typing no JSON,
then test a rule on a future date, simulate and submit; each test compares the saved bundle with
the bundle it expects and records how many pages and fields the build took."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import widgets
from core.models import Campaign, CouponPool
from rules import load_bundle
from tests.builder.studio_browser import REPO_ROOT, Studio
from tests.factories import make_hq, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "password-123"
COUNTS = REPO_ROOT / "test-artifacts" / "studio" / "counts.json"


@pytest.fixture
def studio(browser, live_server, db, request):
    """A marketer of the head office signed in to a live studio (Chinese, desktop size)."""
    hq = make_hq()
    make_user("marketer", branch=hq, username="hq-marketer")
    for key, name in (("epay-20", "20元支付立减券"), ("phone-credit-10", "话费充值卡10元")):
        db.session.add(CouponPool(key=key, name=name))
    db.session.commit()
    db.session.remove()
    base = live_server(workers=1, threads=4)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    driver = Studio(page, base, shots=request.config.getoption("--studio-screenshots", False))
    driver.sign_in("hq-marketer", PASSWORD)
    driver.pages = driver.fields = 0
    yield driver
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def saved_draft(db, slug: str) -> dict:
    db.session.remove()
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    draft = campaign.draft
    db.session.remove()
    return draft


def ahead(seed: dict[str, str], weeks: int = 0, years: int = 0) -> dict[str, str]:
    """The seed campaign's dates (local, to the minute) moved on by whole steps of `weeks`
    (the same weekdays) or `years` (the same days of the month) until its `end` is after
    tomorrow: the studio refuses to submit a campaign whose period is over."""
    tomorrow = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None) + timedelta(days=1)
    seeded = {name: datetime.fromisoformat(value) for name, value in seed.items()}
    steps = 0
    while True:
        moved = {
            name: moment.replace(year=moment.year + steps * years) + timedelta(weeks=steps * weeks)
            for name, moment in seeded.items()
        }
        if moved["end"] > tomorrow:
            return {name: moment.isoformat(timespec="minutes") for name, moment in moved.items()}
        steps += 1


ICBC_DATES = {"start": "2026-11-02T00:00", "end": "2026-12-06T00:00", "friday": "2026-11-27T20:30"}
QINGDAO_DATES = {
    "start": "2026-11-01T00:00",
    "end": "2027-01-01T00:00",
    "the_18th": "2026-12-18T09:00",
    "the_17th": "2026-12-17T09:00",
}


def record(name: str, studio: Studio) -> None:
    COUNTS.parent.mkdir(parents=True, exist_ok=True)
    counts = json.loads(COUNTS.read_text()) if COUNTS.exists() else {}
    counts[name] = {
        "pages": studio.pages,
        "fields": studio.fields,
        "json_values": studio.json_values,
    }
    COUNTS.write_text(json.dumps(counts, indent=2, ensure_ascii=False))


def new_campaign(studio: Studio, widget: str, slug: str, name: str) -> None:
    studio.goto("/studio/campaign/new")
    studio.choose("start", f"widget:{widget}")
    studio.fill("name", name)
    studio.fill("slug", slug)
    studio.click_and_wait("form button.btn-primary")
    assert "/wizard/basics" in studio.page.url


def add_rule_condition(
    studio: Studio, card, variable: str, operator: str, value: str | None, value_kind: str = "input"
) -> None:
    """In one rule's query builder: add a condition, pick the variable, operator and value."""
    card.locator(".cs-rule-conditions [data-add=rule]").first.click()
    rule = card.locator(".cs-rule-conditions .rule-container").last
    rule.locator(".rule-filter-container select").select_option(variable)
    rule.locator(".rule-operator-container select").select_option(operator)
    studio.fields += 2
    if value is not None:
        target = rule.locator(
            f".rule-value-container {'select' if value_kind == 'select' else 'input'}"
        )
        if value_kind == "select":
            target.first.select_option(value)
        else:
            target.first.fill(value)
        studio.fields += 1


def test_marketer_builds_the_icbc_treasure_dig(studio, db):
    """Seed 001 from a blank treasure-dig widget: gold and silver shovels, a share gives one
    silver shovel (3 a day), the first three digs win a real prize, every dig wins something,
    a weekly crazy hour boosts the odds, a car with stock 1; an e-payment account opened gives
    two gold shovels."""
    slug = "icbc-dig-browser"
    dates = ahead(ICBC_DATES, weeks=52)
    new_campaign(studio, "treasure_dig", slug, "人脉挖宝")
    page = studio.page

    # basics: the schedule
    studio.fill("starts_at", dates["start"])
    studio.fill("ends_at", dates["end"])
    studio.screenshot("wizard-basics")
    studio.save()
    # time windows: the weekly crazy hour is there; move it to 20:00-21:00 on Fridays
    assert "/wizard/windows" in page.url
    studio.fill("windows-0-name", "疯狂一小时")
    studio.choose("windows-0-shape", "weekly")
    studio.tick_choice("windows-0-weekdays", "fri")
    studio.fill("windows-0-start", "20:00")
    studio.fill("windows-0-end", "21:00")
    studio.save()
    # widget settings: one silver shovel per share, three rewarded shares a day
    assert "/wizard/widget" in page.url
    studio.choose("cfg_theme", "gold")
    studio.fill("cfg_headline", "人脉挖宝")
    studio.choose("cfg_share_kind", "silver")
    studio.fill("cfg_share_bonus", "1")
    studio.fill("cfg_shares_per_day", "3")
    studio.save()
    # prizes: the gold bar becomes a car with stock 1; crazy hour triples the coupons
    assert "/wizard/prizes" in page.url
    studio.fill("prizes-0-name", "东风标致汽车")
    studio.fill("prizes-0-name_en", "Peugeot car")
    studio.fill("prizes-0-weight", "0.05")
    studio.fill("prizes-0-stock", "1")
    studio.fill("prizes-0-value", "150000")
    studio.fill("prizes-0-r_physical_note", "到店试驾后办理交付")
    assert page.locator("[name='prizes-4-fallback']").is_checked()  # every dig wins something
    assert page.input_value("[name='guaranteed_first']") == "3"
    share = page.locator("[data-share]").first.get_attribute("data-share")
    assert share is not None and float(share) < 1  # the car's share is shown as it is typed
    studio.fill("boosts-0-factor", "3")
    studio.tick_choice("boosts-0-prizes", "gold_bar", on=False)
    studio.tick_choice("boosts-0-prizes", "packet")
    studio.screenshot("prizes")
    studio.save()
    # chances and limits: keep the shovels, at most 30 digs a day
    assert "/wizard/chances" in page.url
    studio.fill("draws_per_day", "30")
    studio.save()
    # quotas and budget
    assert "/wizard/limits" in page.url
    studio.fill("budget", "800000")
    studio.save()
    # audience: everyone
    assert "/wizard/audience" in page.url
    studio.save()
    # rules: an e-payment account opened gives two gold shovels
    assert "/wizard/rules" in page.url
    page.click("#add-rule")
    card = page.locator(".cs-rule-card:not([data-managed])").last
    card.locator(".cs-rule-trigger").select_option("account_opened")
    card.locator(".cs-rule-description").fill("开通e支付送2把金铲子")
    studio.fields += 2
    add_rule_condition(studio, card, "account_type", "contains", "e_payment", "select")
    action = card.locator(".cs-action-row").last
    action.locator(".cs-action-name").select_option("grant_chances")
    action.locator("[data-param=kind]").select_option("gold")
    action.locator("[data-param=count]").fill("2")
    studio.fields += 3
    studio.screenshot("rules")
    studio.save()
    assert "/wizard/review" in page.url
    assert page.locator("[data-review-problems]").count() == 0
    record("icbc_treasure_dig: build", studio)
    studio.screenshot("review")

    # test a rule on a future Friday evening: a share gives a silver shovel
    studio.link("text=测试规则")
    studio.choose("trigger", "share")
    studio.fill("at", dates["friday"])
    studio.fill("v_shares_today", "1")
    studio.click_and_wait("[data-run-test]")
    assert page.get_attribute("[data-rule='share-bonus']", "data-fired") == "yes"
    assert "疯狂一小时" in page.inner_text("[data-open-windows]")
    studio.screenshot("tester")

    simulate(studio, "simulation")

    # submit from the review step
    studio.goto(f"/studio/campaign/{campaign_id(db, slug)}/wizard/review")
    studio.click_and_wait("[data-submit]")
    record("icbc_treasure_dig: build, test a rule, simulate, submit", studio)
    assert studio.json_values == 0

    saved = saved_draft(db, slug)
    assert saved == expected_icbc(slug, saved["schedule"]["starts_at"], dates)


def simulate(studio: Studio, shot: str | None = None) -> None:
    """Run a simulation from the page's link and see its three charts drawn."""
    page = studio.page
    studio.link("a:has-text('模拟')")
    studio.fill("participants", "2000")
    studio.choose("mix", "default")
    studio.click_and_wait("[data-run-simulation]")
    for chart in ("chart-prizes", "chart-cost", "chart-stock"):
        page.wait_for_selector(f"#{chart}[data-rendered] svg", timeout=15000)
    title = page.inner_text("[data-simulation-title]")
    assert "2,000" in title, title
    shares = [
        float(x)
        for x in page.locator("[data-share]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('data-share'))"
        )
    ]
    assert abs(sum(shares) - 1.0) < 0.01  # every draw wins something, shares add up
    if shot:
        studio.screenshot(shot)


def campaign_id(db, slug: str) -> int:
    db.session.remove()
    found = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
    db.session.remove()
    return found


def expected_icbc(slug: str, starts_at: str, dates: dict[str, str]) -> dict:
    """The bundle the marketer's clicks describe, built from the same blank widget."""
    bundle = widgets.get("treasure_dig").default_bundle(
        slug, "人脉挖宝", "HQ", now=datetime.fromisoformat(starts_at)
    )
    bundle["schedule"].update(starts_at=f"{dates['start']}:00", ends_at=f"{dates['end']}:00")
    bundle["widget"]["config"].update(theme="gold", headline="人脉挖宝")
    car = bundle["prizes"][0]
    car.update(name="东风标致汽车", name_en="Peugeot car", weight=0.05, stock=1, value=150000)
    car["reward"] = {"kind": "physical", "note": "到店试驾后办理交付"}
    boost = bundle["odds"]["boosts"][0]
    boost.update(factor=3, prizes=["epay_coupon", "packet"])
    bundle["limits"]["per_person"]["draws_per_day"] = 30
    bundle["limits"]["budget"] = {"amount": 800000, "currency": "CNY"}
    bundle["rules"].append(
        {
            "id": "rule-1",
            "trigger": "account_opened",
            "description": "开通e支付送2把金铲子",
            "conditions": {
                "all": [{"name": "account_type", "operator": "contains", "value": "e_payment"}]
            },
            "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 2}}],
        }
    )
    return load_bundle(widgets.apply_managed(bundle))


def test_marketer_builds_the_qingdao_check_in(studio, db):
    """Seed 002 from a blank check-in widget: 1,800 points for checking in on the 18th, seven
    check-ins in a month unlock a treasure hunt, and a transfer or a time deposit gives one."""
    slug = "qingdao-checkin-browser"
    dates = ahead(QINGDAO_DATES, years=1)
    new_campaign(studio, "check_in", slug, "青豆赢好礼")
    page = studio.page
    studio.fill("starts_at", dates["start"])
    studio.fill("ends_at", dates["end"])
    studio.save()
    assert "/wizard/windows" in page.url
    studio.save()
    # widget settings: 1,800 on the 18th; a hunt at the 7th check-in of the month, no streak
    studio.fill("cfg_daily_points", "10")
    studio.tick_choice("cfg_bonus_days", "18")
    studio.fill("cfg_bonus_points", "1800")
    studio.fill("cfg_streak_days", "0")
    studio.fill("cfg_month_checkins", "7")
    studio.fill("cfg_points_name", "青豆")
    studio.screenshot("widget-settings")
    studio.save()
    # prizes: two phones only
    assert "/wizard/prizes" in page.url
    studio.fill("prizes-0-stock", "2")
    studio.save()
    # chances: the draw is a treasure hunt
    studio.fill("kinds-0-name", "寻宝机会")
    studio.fill("kinds-0-name_en", "Treasure hunt")
    studio.save()
    studio.save()  # quotas and budget: none
    studio.save()  # audience: everyone
    # rules: the check-in rules come from the settings; add the post-transaction hunt
    assert "/wizard/rules" in page.url
    assert page.locator(".cs-rule-card[data-managed]").count() >= 3
    page.click("#add-rule")
    card = page.locator(".cs-rule-card:not([data-managed])").last
    card.locator(".cs-rule-trigger").select_option("transaction")
    card.locator(".cs-rule-description").fill("转账或定期存款后送寻宝机会")
    studio.fields += 2
    add_rule_condition(studio, card, "transaction_type", "contains", "transfer", "select")
    add_rule_condition(studio, card, "transaction_type", "contains", "time_deposit", "select")
    card.locator(".cs-rule-conditions .group-conditions label:has(input[value=OR])").first.click()
    studio.fields += 1
    action = card.locator(".cs-action-row").last
    action.locator(".cs-action-name").select_option("grant_chances")
    action.locator("[data-param=kind]").select_option("lottery")
    action.locator("[data-param=count]").fill("1")
    studio.fields += 3
    studio.save()
    assert "/wizard/review" in page.url
    assert page.locator("[data-review-problems]").count() == 0
    record("qingdao_checkin: build", studio)

    # test a rule on a future 18th: the bonus pays 1,800
    studio.link("text=测试规则")
    studio.choose("trigger", "check_in")
    studio.fill("at", dates["the_18th"])
    studio.click_and_wait("[data-run-test]")
    assert page.get_attribute("[data-rule='bonus-day']", "data-fired") == "yes"
    assert "1800" in page.inner_text("[data-actions]")
    studio.fill("at", dates["the_17th"])
    studio.click_and_wait("[data-run-test]")
    assert page.get_attribute("[data-rule='bonus-day']", "data-fired") == "no"

    simulate(studio)

    studio.goto(f"/studio/campaign/{campaign_id(db, slug)}/wizard/review")
    studio.click_and_wait("[data-submit]")
    record("qingdao_checkin: build, test a rule, simulate, submit", studio)
    assert studio.json_values == 0

    saved = saved_draft(db, slug)
    assert saved == expected_qingdao(slug, saved["schedule"]["starts_at"], dates)


def expected_qingdao(slug: str, starts_at: str, dates: dict[str, str]) -> dict:
    bundle = widgets.get("check_in").default_bundle(
        slug, "青豆赢好礼", "HQ", now=datetime.fromisoformat(starts_at)
    )
    bundle["schedule"].update(starts_at=f"{dates['start']}:00", ends_at=f"{dates['end']}:00")
    bundle["widget"]["config"].update(
        daily_points=10,
        bonus_days=[18],
        bonus_points=1800,
        streak_days=0,
        month_checkins=7,
        points_name="青豆",
    )
    bundle["prizes"][0]["stock"] = 2
    bundle["chances"]["kinds"][0].update(name="寻宝机会", name_en="Treasure hunt")
    bundle["rules"].append(
        {
            "id": "rule-1",
            "trigger": "transaction",
            "description": "转账或定期存款后送寻宝机会",
            "conditions": {
                "any": [
                    {"name": "transaction_type", "operator": "contains", "value": "transfer"},
                    {"name": "transaction_type", "operator": "contains", "value": "time_deposit"},
                ]
            },
            "actions": [{"name": "grant_chances", "params": {"kind": "lottery", "count": 1}}],
        }
    )
    return load_bundle(widgets.apply_managed(bundle))
