"""A marketer sets up the task centre's tasks and the points mall's rights in Chromium through
the studio's forms: choosing a task's event shows that event's fields, choosing a right's
reward shows that reward's fields, and no JSON is typed."""

from __future__ import annotations

import pytest

from tests.builder.test_browser_studio import new_campaign, record, saved_draft, studio  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def visible(page, name: str) -> bool:
    return page.locator(f"[name='{name}']").is_visible()


def test_marketer_sets_up_badge_tasks_in_the_wizard(studio, db):  # noqa: F811
    slug = "children-day-tasks"
    new_campaign(studio, "task_center", slug, "平安成长计划")
    page = studio.page
    for _ in range(4):  # basics, windows, widget settings, prizes as the template has them
        studio.save()
    assert "/wizard/tasks" in page.url
    assert page.locator(".inline-field-list > .inline-field").count() == 5
    # the first task: a debit card opened; its transaction fields are hidden
    assert visible(page, "tasks-0-account_type") and not visible(page, "tasks-0-min_amount")
    studio.choose("tasks-0-event", "transaction")
    assert visible(page, "tasks-0-min_amount") and not visible(page, "tasks-0-account_type")
    studio.choose("tasks-0-transaction_type", "fund")
    studio.fill("tasks-0-min_amount", "500")
    studio.fill("tasks-0-name", "购买少儿基金")
    studio.fill("tasks-0-description", "买任意一只少儿基金满500元即可点亮")
    # a new task: a seven-day check-in streak that awards a badge and 30 points
    page.click("[data-add-row='tasks']")
    row = "tasks-5-"
    page.wait_for_selector(f"[name='{row}name']")
    studio.fill(f"{row}name", "连续签到7天")
    studio.choose(f"{row}event", "check_in")
    assert visible(page, f"{row}count") and not visible(page, f"{row}transaction_type")
    studio.fill(f"{row}count", "7")
    studio.fill(f"{row}badge_name", "坚持之星")
    studio.choose(f"{row}badge_icon", "🌟")
    studio.fill(f"{row}points", "30")
    studio.save()
    assert "/wizard/chances" in page.url  # the wizard goes on after the tasks

    tasks = {t["name"]: t for t in saved_draft(db, slug)["tasks"]}
    fund = tasks["购买少儿基金"]
    assert (fund["event"], fund["transaction_type"], fund["min_amount"]) == (
        "transaction",
        "fund",
        500,
    )
    assert fund["account_type"] is None
    assert fund["description"] == "买任意一只少儿基金满500元即可点亮"
    streak = tasks["连续签到7天"]
    assert streak["event"] == "check_in" and streak["count"] == 7 and streak["points"] == 30
    assert streak["badge"] == {"name": "坚持之星", "name_en": None, "icon": "🌟"}
    assert studio.json_values == 0
    record("task_center_tasks", studio)


def test_marketer_puts_a_right_on_sale_in_the_points_mall(studio, db):  # noqa: F811
    slug = "points-mall-studio"
    new_campaign(studio, "points_mall", slug, "积分商城")
    page = studio.page
    for _ in range(3):  # basics, windows, widget settings; a mall does not draw: no prizes
        studio.save()
    assert "/wizard/tasks" in page.url
    assert page.locator(".editor-steps a[href$='/wizard/prizes']").count() == 0
    studio.save()  # the tasks as the widget has them
    assert "/wizard/mall" in page.url
    assert page.locator("select[name='points_from']").count() == 1
    studio.choose("points_from", "bank")
    studio.fill("items-0-price", "900")
    page.click("[data-add-row='items']")
    row = "items-4-"
    page.wait_for_selector(f"[name='{row}name']")
    studio.fill(f"{row}name", "5GB流量包")
    studio.fill(f"{row}price", "600")
    studio.fill(f"{row}stock", "300")
    studio.fill(f"{row}per_day_limit", "1")
    studio.fill(f"{row}valid_days", "30")
    studio.fill(f"{row}message", "流量已充入您的手机")
    studio.fill(f"{row}image", "https://img.example/data-5gb.png")
    assert not visible(page, f"{row}r_webhook_sku")
    studio.choose(f"{row}reward_kind", "webhook")
    assert visible(page, f"{row}r_webhook_sku") and not visible(page, f"{row}r_physical_note")
    studio.fill(f"{row}r_webhook_sku", "DATA-5GB")
    studio.save()
    assert "/wizard/chances" in page.url

    mall = saved_draft(db, slug)["mall"]
    assert mall["points_from"] == "bank"
    items = {i["name"]: i for i in mall["items"]}
    assert items["10元话费券"]["price"] == 900
    data = items["5GB流量包"]
    assert data["reward"] == {"kind": "webhook", "sku": "DATA-5GB"}
    assert (data["price"], data["stock"], data["per_day_limit"]) == (600, 300, 1)
    assert data["message"] == "流量已充入您的手机" and data["valid_days"] == 30
    assert data["image"] == "https://img.example/data-5gb.png"
    assert studio.json_values == 0
    record("points_mall_rights", studio)
