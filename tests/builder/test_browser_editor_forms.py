"""What the marketer sees while filling the rule builder and the time windows in Chromium: a new
rule asks for its action by the rule's name, a single kind of chance is chosen already, the
condition builder speaks of conditions, and a window shows only its repeat's fields."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from builder.drafts import new_draft
from core.models import User
from tests.builder.test_browser_studio import saved_draft, studio  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def draft_of(db, slug: str, widget: str) -> int:
    user = db.session.scalar(select(User).where(User.username == "hq-marketer"))
    campaign_id = new_draft(user, f"widget:{widget}", slug, "转盘").id
    db.session.remove()
    return campaign_id


def test_a_new_rule_asks_for_its_action_and_conditions_read_as_conditions(studio, db):  # noqa: F811
    campaign_id = draft_of(db, "wheel-new-rule", "lucky_wheel")
    page = studio.page
    studio.goto(f"/studio/campaign/{campaign_id}/edit/rules")
    page.click("#add-rule")
    card = page.locator(".cs-rule-card:not([data-managed])").last
    conditions = card.locator(".cs-rule-conditions")
    assert conditions.locator("[data-add=rule]").first.inner_text().strip() == "添加条件"
    assert conditions.locator(".rule-filter-container select option").first.inner_text() == (
        "请选择条件"
    )
    action = card.locator(".cs-action-row")
    assert action.count() == 1 and action.locator(".cs-action-name").input_value() == ""
    # saving without an action: the rule is named, the action asked for
    card.locator(".cs-rule-trigger").select_option("join")
    page.click("[data-save]")
    page.wait_for_load_state("load")
    problem = page.locator(".cs-rule-card [data-rule-problem]")
    assert "请选择这条规则要做什么(动作)" in problem.first.inner_text()
    assert "未知动作" not in page.content()
    # the campaign's only kind of chance is chosen with the action
    card = page.locator(".cs-rule-card:not([data-managed])").last
    action = card.locator(".cs-action-row").last
    action.locator(".cs-action-name").select_option("grant_chances")
    assert action.locator("[data-param=kind]").input_value() == "normal"
    action.locator("[data-param=count]").fill("1")
    studio.save()
    rule = saved_draft(db, "wheel-new-rule")["rules"][-1]
    assert rule["actions"] == [{"name": "grant_chances", "params": {"kind": "normal", "count": 1}}]


def test_a_window_shows_the_fields_of_its_repeat_only(studio, db):  # noqa: F811
    campaign_id = draft_of(db, "wheel-windows", "lucky_wheel")
    page = studio.page
    studio.goto(f"/studio/campaign/{campaign_id}/edit/windows")
    page.click("[data-add-row='windows']")
    page.wait_for_selector("[name='windows-0-name']")

    def shown() -> set[str]:
        names = ("weekdays", "month_days", "start", "end", "date_from", "date_to")
        return {n for n in names if page.locator(f"[name='windows-0-{n}']").first.is_visible()}

    studio.choose("windows-0-shape", "weekly")
    assert shown() == {"weekdays", "start", "end"}
    studio.choose("windows-0-shape", "monthly")
    assert shown() == {"month_days", "start", "end"}
    studio.choose("windows-0-shape", "dates")
    assert shown() == {"date_from", "date_to"}
    studio.fill("windows-0-name", "双十一")
    day = saved_draft(db, "wheel-windows")["schedule"]["starts_at"][:10]  # within the period
    studio.fill("windows-0-date_from", f"{day}T10:00")
    studio.fill("windows-0-date_to", f"{day}T12:00")
    studio.save()
    window = saved_draft(db, "wheel-windows")["schedule"]["windows"][0]
    assert window["dates"] == {"from": f"{day}T10:00:00", "to": f"{day}T12:00:00"}
    assert window["weekly"] is None and window["monthly"] is None
