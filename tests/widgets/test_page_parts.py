"""Shared page parts (Widget.parts): the tasks and badges of the task centre and the points
mall come from one template and one script, so both pages show the same things."""

from __future__ import annotations

import pytest

import widgets
from rules.templates import load_template


def render(bundle: dict) -> str:
    widget = widgets.get(bundle["widget"]["type"])
    return widget.render_page(bundle, lang="zh", static_base="/w/static")


@pytest.mark.parametrize("widget_type", ["task_center", "points_mall"])
def test_tasks_show_badges_descriptions_and_state_on_both_pages(widget_type):
    bundle = load_template("points_mall_tasks")
    bundle["widget"] = widgets.get(widget_type).default_bundle("x", "x", "HQ")["widget"]
    if widget_type == "task_center":
        bundle["widget"]["config"]["badge_goal"] = 0  # the mall's template has no draws
    bundle["tasks"][0]["description"] = "在手机银行首页点击“开通”"
    html = render(bundle)
    assert "/w/static/common/tasks.js?v=" in html and "/w/static/common/tasks.css?v=" in html
    assert html.count('data-earns="badge"') == 4  # every task of the bundle lights a badge
    assert 'data-badge="mobile-banking"' in html and "已点亮 0/4" in html
    assert "在手机银行首页点击“开通”" in html
    assert html.count("data-state>未完成<") == 4
    assert "data-task-list" in html


def test_the_points_mall_has_the_share_its_rules_text_promises():
    bundle = load_template("points_mall_tasks")
    assert "分享" in bundle["description"]
    html = render(bundle)
    stage = html.split('id="stage"', 1)[1].split("</main>", 1)[0]
    assert "data-share" in stage


def test_a_page_texts_come_from_its_parts_and_its_own():
    mall = widgets.get("points_mall").page_texts()
    assert mall["badge_count"] == ("已点亮 {n}/{total}", "{n} of {total} lit")
    assert mall["limit_today"] == ("今日已达兑换上限", "Today's limit reached")
    assert "lead_name" in widgets.get("invite").page_texts()
    assert "lead_name" not in widgets.get("lucky_wheel").page_texts()
