"""Reports in Chromium on the demo's own figures (the demo campaigns played through the
runtime by `studio demo`): the campaign report, the head office overview and the marketing
calendar draw their charts with data; a branch marketer sees only their subtree."""

from __future__ import annotations

import pytest

from builder.demo import load_demo
from builder.demo_activity import play_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def demo_server(app, db, live_server):
    load_demo()
    played = play_demo()
    assert played["draws"] > 50 and played["joined"] > 50
    db.session.remove()
    return live_server(workers=1, threads=4)


@pytest.fixture
def open_browser(browser):
    contexts = []
    errors: list[str] = []

    def open_as(base: str, username: str, password: str):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "/studio/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def chart_total(page, chart_id: str) -> float:
    chart = page.locator(f"#{chart_id}[data-rendered='1']")
    chart.wait_for()
    assert chart.locator("svg path, svg rect").count() > 3, chart_id
    return float(chart.get_attribute("data-total"))


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_the_campaign_report_draws_the_demo_figures_and_exports_them(demo_server, open_browser):
    page = open_browser(demo_server, "admin", "admin-demo-2026")
    click(page, "text=Campaigns")
    click(page, "a:has-text('人脉挖宝')")
    click(page, "[data-report]")
    for chart in ("chart-daily", "chart-hourly", "chart-funnel", "chart-prizes", "chart-branches"):
        assert chart_total(page, chart) > 0, chart
    draws = int(page.locator("[data-total='draws']").inner_text().replace(",", ""))
    assert draws > 0
    with page.expect_download() as download:
        page.click("[data-csv='daily']")
    body = open(download.value.path(), encoding="utf-8-sig").read()
    assert body.splitlines()[0].startswith("Day,")
    click(page, "[data-retrospective]")
    assert chart_total(page, "chart-daily") > 0
    assert page.locator("[data-print]").is_visible()


def test_the_overview_ranks_branches_and_drills_down(demo_server, open_browser):
    page = open_browser(demo_server, "admin", "admin-demo-2026")
    page.click("text=Reports")
    click(page, "a.dropdown-item:has-text('Overview')")
    assert chart_total(page, "chart-ranking") > 0
    assert chart_total(page, "chart-trend") > 0
    click(page, "[data-table='branches'] a:has-text('Shanghai Branch')")
    assert "Lujiazui Sub-branch" in page.locator("[data-table='branches']").inner_text()
    assert "Beijing Branch" not in page.locator("[data-table='branches']").inner_text()
    assert chart_total(page, "chart-ranking") > 0


def test_the_calendar_shows_campaigns_and_the_year_plan(demo_server, open_browser):
    page = open_browser(demo_server, "admin", "admin-demo-2026")
    page.click("text=Reports")
    click(page, "a.dropdown-item:has-text('Marketing calendar')")
    assert chart_total(page, "calendar-chart") >= 5  # the five demo campaigns
    click(page, "[data-view='year']")
    assert chart_total(page, "calendar-chart") >= 5 + 5  # and head office's planned nodes
    assert chart_total(page, "calendar-heat") > 0
    click(page, "[data-plan]")
    page.fill("[name='name']", "国庆 理财周")
    page.select_option("[name='kind']", "campaign")
    page.fill("[name='starts_on']", "2026-10-01")
    page.fill("[name='ends_on']", "2026-10-07")
    click(page, "[data-save]")
    assert "国庆 理财周" in page.locator("[data-calendar-list]").inner_text()


def test_a_branch_marketer_sees_only_their_subtree(demo_server, open_browser):
    page = open_browser(demo_server, "marketer", "market-demo-2026")
    page.click("text=Reports")
    click(page, "a.dropdown-item:has-text('Overview')")
    table = page.locator("[data-table='branches']").inner_text()
    assert "Lujiazui Sub-branch" in table and "Shanghai Branch" in table
    for other in ("Beijing Branch", "Shenzhen Branch", "Head Office", "No branch"):
        assert other not in table
    assert chart_total(page, "chart-ranking") > 0
    assert "Head Office" not in page.locator("[data-path]").inner_text()
    answer = page.goto(demo_server + "/studio/reports/campaign/1")
    assert answer.status == 404  # a head office campaign
